// Passkeys and security keys: hides their controls where the browser has no WebAuthn, and shows allauth's errors
// (the person closed the browser's prompt, or the key is not registered) beside the button instead of the console.
(function () {
  document.addEventListener('DOMContentLoaded', function () {
    if (!window.PublicKeyCredential) {
      document.querySelectorAll('[data-passkey-only]').forEach(function (el) { el.classList.add('app-no-webauthn') })
    }
  })
  document.addEventListener('allauth.error', function (event) {
    const box = document.querySelector('[data-webauthn-error]')
    if (!box) return
    event.preventDefault()
    box.textContent = 'Error: the passkey or security key was not used. Try again, or use another way to sign in.'
    box.hidden = false
  })
})()
