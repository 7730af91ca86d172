/* nanoflux reading site. */

/* Opened from disk (file://), a browser refuses fetch(), which Sphinx's search uses only to show a snippet
   of each result page: leave the snippets out there, keep the results. */
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}

/* TeX as plain text, for search snippets: \(\tfrac23\mu_0 M_s\) reads 2/3μ0 Ms. */
const NANOFLUX_SYMBOLS = {
  mu: "μ", Phi: "Φ", phi: "φ", pi: "π", nabla: "∇", cdot: "·", times: "×", le: "≤", ge: "≥", leq: "≤",
  geq: "≥", approx: "≈", propto: "∝", infty: "∞", sum: "Σ", oint: "∮", int: "∫", partial: "∂",
  lfloor: "⌊", rfloor: "⌋", hbar: "ħ", ell: "ℓ", rho: "ρ", theta: "θ", alpha: "α", beta: "β",
  gamma: "γ", delta: "δ", Delta: "Δ", sigma: "σ", sqrt: "√", to: "→", rightarrow: "→", langle: "⟨",
  rangle: "⟩", sim: "~", pm: "±", neq: "≠", ldots: "…", dots: "…", lambda: "λ", chi: "χ", epsilon: "ε",
};

function nanofluxPlainMaths(tex) {
  let t = tex;
  t = t.replace(/\\tag\{([^{}]*)\}/g, " ($1)");
  t = t.replace(/\\tfrac\s*(\d)\s*(\d)/g, "$1/$2");
  for (let i = 0; i < 3; i++) {  // nested fractions, from the inside out
    t = t.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)");
  }
  t = t.replace(/\\(?:mathbf|mathrm|mathit|mathcal|boldsymbol|text|textrm|operatorname|hat|vec|bar|left|right)\b/g, "");
  t = t.replace(/\\([A-Za-z]+)/g, (m, name) => NANOFLUX_SYMBOLS[name] || "");
  t = t.replace(/\\[,;:! ]/g, " ").replace(/\\./g, "");
  t = t.replace(/[{}]/g, "").replace(/_/g, "");
  return t.replace(/\s+/g, " ").trim();
}

function nanofluxPlainText(text) {
  return text
    .replace(/\\\[([\s\S]*?)\\\]/g, (m, tex) => nanofluxPlainMaths(tex))
    .replace(/\\\(([\s\S]*?)\\\)/g, (m, tex) => nanofluxPlainMaths(tex))
    .replace(/\$\$([\s\S]*?)\$\$/g, (m, tex) => nanofluxPlainMaths(tex));
}

/* Search snippets are cut from the page's source, where formulas are still TeX: show them as plain text. */
window.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => nanofluxPlainText(htmlToText(htmlString, anchor));
});
