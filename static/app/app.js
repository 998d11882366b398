// Progressive enhancement only: every page works without JavaScript.
// Kept in a file (never inline) because the Content-Security-Policy forbids inline scripts.
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./unsaved-changes.js";
import "./document-waiting.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
