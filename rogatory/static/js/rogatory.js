// Behaviour hangs off data-* attributes; htmx does the fetching.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-expand]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!open));
  button.textContent = open ? "+" : "−";
  const list = button.parentElement.querySelector(":scope > ul.children");
  if (list) list.hidden = open;
});
