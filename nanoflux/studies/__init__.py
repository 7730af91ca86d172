"""What each notebook computes, beyond the paper's formulas: one module per study, rows of SI numbers in,
tables (:mod:`nanoflux.report`) and figures (:mod:`nanoflux.plots`) out.

- ``discrete_dipoles``: notebook 05, the paper's central claim tested with discrete dipoles;
- ``assumptions``: notebook 06, the paper's numbers under its assumptions and under real materials;
- ``atoms_to_continuum``: notebook 08, crystals of atomic moments against the continuum; its thresholds without
  a grid (``thresholds``), its cross-sections (``plane_height``) and its conclusions in words
  (``continuum_words``);
- ``critical_sizes``: notebook 10, the paper's radius among the critical sizes of nanomagnetism.
"""
