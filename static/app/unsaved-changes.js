// Leaving a page with unsaved changes asks first. Progressive enhancement only: without this file the forms
// work as before. Watched forms are those marked `data-warn-unsaved`, or inside an element so marked (every page
// of the plan editor). At the moment of leaving, each watched form is compared with how the page loaded it, so
// typing something and deleting it again does not count; the browser's own "Leave site?" question appears only
// when a form really differs, and never for the form being saved.

const IGNORED_TYPES = new Set(["hidden", "submit", "button", "reset", "image"]);

function selectChanged(select) {
  const options = Array.from(select.options);
  if (options.some((option) => option.defaultSelected)) {
    return options.some((option) => option.selected !== option.defaultSelected);
  }
  // No option marked selected in the page: the browser shows the first one (or none, for a multiple select).
  return select.multiple ? options.some((option) => option.selected) : select.selectedIndex > 0;
}

function fieldChanged(field) {
  if (field.disabled || IGNORED_TYPES.has(field.type)) return false;
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.type === "file") return field.files !== null && field.files.length > 0;
  if (field.tagName === "SELECT") return selectChanged(field);
  return field.value !== field.defaultValue;
}

function watchedForms() {
  const forms = new Set(document.querySelectorAll("form[data-warn-unsaved]"));
  document.querySelectorAll("[data-warn-unsaved]:not(form)").forEach((area) => {
    area.querySelectorAll("form").forEach((form) => forms.add(form));
  });
  return Array.from(forms).filter((form) => !form.hasAttribute("data-warn-unsaved-off"));
}

let saving = null;

document.addEventListener("submit", (event) => {
  saving = event.target;
});

window.addEventListener("pageshow", () => {
  saving = null; // back to a page from the browser's cache: watch its forms again
});

window.addEventListener("beforeunload", (event) => {
  const unsaved = watchedForms().some(
    (form) => form !== saving && Array.from(form.elements).some((field) => fieldChanged(field)),
  );
  if (unsaved) {
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show their question
  }
});
