(function () {
  const form = document.getElementById("weights-form");
  if (!form) return;
  function num(v) { const x = parseFloat(String(v).replace(",", ".")); return isNaN(x) ? 0 : x; }
  function update() {
    let total = 0;
    const byDim = {};
    form.querySelectorAll("tr[data-testid=item-row]").forEach(function (row) {
      const input = row.querySelector(".weight-input");
      const select = row.querySelector(".dim-select");
      if (!input) return;
      const w = num(input.value);
      total += w;
      const dim = select ? select.value : row.closest("[data-dimension]").dataset.dimension;
      byDim[dim] = (byDim[dim] || 0) + w;
    });
    form.querySelectorAll("[data-dimension]").forEach(function (card) {
      const el = card.querySelector(".dim-sum");
      const s = byDim[card.dataset.dimension] || 0;
      el.textContent = s.toFixed(2);
      const target = el.dataset.target;
      el.classList.toggle("text-danger", target !== "" && Math.abs(s - num(target)) > 0.001);
      el.classList.toggle("text-success", target !== "" && Math.abs(s - num(target)) <= 0.001);
    });
    const t = document.getElementById("total-sum");
    t.textContent = total.toFixed(2);
    t.classList.toggle("text-danger", Math.abs(total - 100) > 0.001);
    t.classList.toggle("text-success", Math.abs(total - 100) <= 0.001);
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
