"""The chart of notebook 10: the paper's radius among the critical sizes of nanomagnetism, one row per
material on a logarithmic radius axis, in the house style of :mod:`nanoflux.plots.style`."""
from __future__ import annotations

from matplotlib.figure import Figure

from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import BLUE, GREY, INK, RED, formula, style

#: How each size is drawn: field of SizesRow, marker keywords, legend label.
MARKS = (
    ("exchange_nm", {"marker": "o", "color": INK, "ms": 7}, "exchange length $\\sqrt{A/\\mu_0 M_s^2}$"),
    ("coherent_nm", {"marker": "s", "color": INK, "ms": 7, "mfc": "white", "mew": 1.5},
     "coherent rotation below $5.10\\,l_\\mathrm{ex}$"),
    ("superparamagnetic_nm", {"marker": "v", "color": INK, "ms": 8}, "superparamagnetic below"),
    ("single_domain_nm", {"marker": "D", "color": RED, "ms": 7, "mfc": "none", "mew": 1.5},
     "single domain, $36\\sqrt{AK}/\\mu_0 M_s^2$ (soft: order of magnitude)"),
    ("paper_sphere_nm", {"marker": "*", "color": BLUE, "ms": 15}, "the paper's Eq. 4, $B = \\frac{2}{3}\\mu_0 M_s$"),
)


def sizes_figure(rows, limits=(0.2, 100.0)) -> Figure:
    """One row per material (SizesRow): the cluster crossover (30 to 700 atoms) and notebook 08's continuum
    lengths as bands, the sizes as markers, the paper's radius as a star."""
    temperature, time = rows[0].temperature_K, rows[0].time_s
    with style():
        fig = Figure(figsize=(7.2, 0.8 * len(rows) + 3.0))
        ax = fig.subplots()
        for y, r in enumerate(rows):
            if r.atom_like_nm is not None:
                ax.fill_betweenx([y - 0.32, y + 0.32], r.atom_like_nm, r.bulk_like_nm, color=GREY, alpha=0.35, lw=0,
                                 label="cluster moments: atom-like to bulk (30 to 700 atoms)" if y == 0 else None)
            if r.continuum_low_nm is not None:
                ax.fill_betweenx([y - 0.2, y + 0.2], r.continuum_low_nm, r.continuum_high_nm, color=BLUE, alpha=0.15,
                                 lw=0, label="continuum $\\mathbf{B}$ within 1 % (notebook 08)" if y == 0 else None)
            ax.hlines(y, limits[0], limits[1], color=GREY, lw=0.5, zorder=0)
            for key, marker, label in MARKS:
                ax.plot([getattr(r, key)], [y], ls="none", zorder=3, label=label if y == 0 else None, **marker)
        ax.set_xscale("log")
        ax.set_xlim(*limits)
        ax.set_yticks(range(len(rows)), [formula(r.material) for r in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel("radius of a sphere [nm]")
        ax.set_title(f"Critical sizes of a magnetic sphere at {temperature:g} K ({time:g} s measurement)", fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False)
        fig.tight_layout()
    each = "; ".join(f"{r.material}: exchange length {r.exchange_nm:.2g}, coherent rotation {r.coherent_nm:.3g}, "
                     f"single domain {r.single_domain_nm:.3g}, superparamagnetic {r.superparamagnetic_nm:.3g}, "
                     f"paper {r.paper_sphere_nm:.4g} nm" for r in rows)
    return describe_figure(fig, f"""Chart with one row per material on a logarithmic radius axis from {limits[0]:g}
        to {limits[1]:g} nm: a grey band for the atom-to-bulk crossover of cluster moments (about 0.4 to 1.3 nm),
        a blue band for notebook 08's continuum lengths (about 1 to 8 nm), markers for the exchange length, the
        coherent-rotation radius, the superparamagnetic radius at {temperature:g} K for {time:g} s and Coey's
        single-domain radius (hollow red: outside its validity for these soft materials), and a blue star for
        the paper's Eq. 4 radius with a sphere's field. {each}.""")
