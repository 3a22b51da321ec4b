"""How the evidence studies in examples/ finish and write their figures (matplotlib, the
`plot` extra)."""

from pathlib import Path


def write_figure(fig, out, name, legend_axes=(), legend_size=8):
    """Legends (at `legend_size`) and light grids on `legend_axes`, a tight layout, and the
    figure written to out/name at 110 dpi (the directory created if missing); prints and
    returns the path."""
    for axis in legend_axes:
        axis.legend(fontsize=legend_size)
        axis.grid(alpha=0.3)
    fig.tight_layout()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")
    return path
