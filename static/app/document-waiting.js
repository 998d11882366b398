// The "Your document is being prepared" page: asks quietly whether the document is ready and, when it is, says
// so in the page's live region. It never reloads the page or starts a download by itself (WCAG 2.2.1, 3.2.5).
// Without JavaScript the page's own link does the same job.
const region = document.querySelector("[data-app-document-waiting]");

if (region) {
  const url = region.dataset.appDocumentWaiting;
  const every = Number(region.dataset.appPollSeconds || 3) * 1000;
  const giveUpAt = Date.now() + 10 * 60 * 1000;

  const ask = async () => {
    try {
      const response = await fetch(url, { method: "HEAD", credentials: "same-origin" });
      const type = response.headers.get("Content-Type") || "";
      if (response.ok && !type.startsWith("text/html")) {
        region.textContent = region.dataset.appReadyText;
        const hint = document.getElementById("download-hint");
        if (hint) hint.remove();
        return;
      }
    } catch (error) {
      // A network blip: ask again next time.
    }
    if (Date.now() < giveUpAt) window.setTimeout(ask, every);
  };
  window.setTimeout(ask, every);
}
