// The plan editor, enhanced: figures that follow what you type, "Add another" rows without reloading the page,
// and Enter saving the page rather than adding a row. Every page works without this file: the server shows
// the figures after each save and checks them again whatever the page said.

const pounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", minimumFractionDigits: 2 });
// As grants/money.py reads money: commas only between groups of three, at most two decimals.
const MONEY = /^\(?-?£?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?\)?$/;

// Pennies as a whole number (so sums never drift), 0 when blank, null when it is not an amount.
function pennies(text) {
  const cleaned = String(text || "").replace(/\s/g, "");
  if (cleaned === "") return 0;
  if (!MONEY.test(cleaned)) return null;
  return Math.round(parseFloat(cleaned.replace(/[()£,]/g, "")) * 100);
}

function money(value) {
  return pounds.format(value / 100);
}

// "{total} of {amount}" with the values given: the server's words with the live figures in them.
function fill(words, values) {
  return String(words || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

function removed(input) {
  const row = input.closest(".app-formset__row");
  const tick = row && row.querySelector('input[name$="-DELETE"]');
  return Boolean(tick && tick.checked);
}

function total(form, selector) {
  let sum = 0;
  let count = 0;
  form.querySelectorAll(selector).forEach((input) => {
    if (removed(input)) return;
    const value = pennies(input.value);
    if (value) sum += value;
    if (input.value.trim() !== "") count += 1;
  });
  return { sum, count };
}

function setText(id, text) {
  const element = document.getElementById(id);
  if (element && element.textContent !== text) element.textContent = text;
}

function updateFigures(form) {
  const panel = document.querySelector("[data-figures]");
  const amountInput = form.querySelector("#id_amount_allocated");
  if (!panel || !amountInput) return;
  const award = pennies(panel.dataset.award);
  const amount = pennies(amountInput.value) || 0;
  const allocated = pennies(panel.dataset.othersAllocated) + amount;
  setText("figure-allocated", money(allocated));
  const over = allocated > award;
  document.getElementById("figure-balance-row")?.classList.toggle("app-figure--over", over);
  setText("figure-balance-label", over ? "Over-allocated" : "Unallocated");
  setText("figure-balance", money(over ? allocated - award : award - allocated));
  setText("figure-balance-suffix", over ? " more than the award" : "");

  const match = total(form, "[data-match-amount]");
  setText("figure-match", money(pennies(panel.dataset.othersMatch) + match.sum));

  const chosen = new Set(
    Array.from(form.querySelectorAll('input[name="pcc_priorities"]:checked')).map((box) => box.value),
  );
  panel.querySelectorAll("[data-priority]").forEach((cell) => {
    const value = pennies(cell.dataset.others) + (chosen.has(cell.dataset.priority) ? amount : 0);
    cell.textContent = money(value);
  });

  const check = form.querySelector("[data-sub-items-check]");
  if (check) {
    const subItems = total(form, "[data-sub-item-amount]");
    if (subItems.count === 0) {
      check.textContent = "";
      check.classList.remove("app-figure--over");
    } else {
      // The words are the server's (the page's data-match and data-differ), so the page and a save agree.
      const words = subItems.sum === amount ? check.dataset.match : check.dataset.differ;
      check.textContent = fill(words, {
        total: money(subItems.sum),
        difference: money(Math.abs(subItems.sum - amount)),
        more_or_less: subItems.sum > amount ? "more" : "less",
        amount: money(amount),
      });
      check.classList.toggle("app-figure--over", subItems.sum !== amount);
    }
  }
}

function enhanceFormsets(form) {
  form.querySelectorAll("[data-formset]").forEach((container) => {
    const prefix = container.dataset.formset;
    const button = container.querySelector("[data-formset-add]");
    const template = container.querySelector("template[data-formset-template]");
    const rows = container.querySelector("[data-formset-rows]");
    const count = container.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    if (!button || !template || !rows || !count) return;
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const index = parseInt(count.value, 10) || 0;
      const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      count.value = String(index + 1);
      button.textContent = `Add another ${button.dataset.noun}`;
      const first = rows.lastElementChild.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
      updateFigures(form);
    });
  });
}

function focusRequestedRow(form) {
  const target = form.dataset.focus && document.getElementById(form.dataset.focus);
  const first = target && target.querySelector("textarea, input:not([type=hidden]), select");
  if (first) first.focus();
}

document.querySelectorAll("[data-project-form]").forEach((form) => {
  enhanceFormsets(form);
  form.addEventListener("input", () => updateFigures(form));
  form.addEventListener("change", () => updateFigures(form));
  // Enter in a one-line box saves the page, as on any form, rather than pressing the first "Add another".
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || ["checkbox", "radio"].includes(field.type)) return;
    event.preventDefault();
    form.querySelector("[data-save]")?.click();
  });
  updateFigures(form);
  focusRequestedRow(form);
});
