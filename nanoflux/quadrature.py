"""Quadrature on the sphere, shared by the closed-surface flux (:mod:`nanoflux.dipole_checks`) and the ball
averages of the dipole models (:mod:`nanoflux.dipole_models`)."""
from __future__ import annotations

import numpy as np

from nanoflux import validate as v

#: The most Gauss-Legendre nodes in theta (their weights come from an n x n eigenproblem: 2048 takes seconds)
#: and nodes on the sphere in all (2e7: a 0.5 GB array of normals).
MAX_THETA, MAX_NODES = 2048, 2 * 10**7


def sphere_rule(n_theta: int, n_phi: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit normals (n_theta * n_phi, 3) and weights (n_theta * n_phi,) on the unit sphere: Gauss-Legendre
    in cos(theta) (``n_theta`` nodes) times the trapezoid rule in phi (``n_phi`` nodes).

    The weights sum to 4 pi; the rule integrates a spherical harmonic of degree up to 2 n_theta - 1 in
    theta and below n_phi in phi exactly. Multiply the weights by R^2 for a sphere of radius R.
    """
    n_theta, n_phi = v.count(n_theta, "n_theta"), v.count(n_phi, "n_phi")
    if n_theta > MAX_THETA or n_theta * n_phi > MAX_NODES:
        raise v.InputError(f"n_theta must be at most {MAX_THETA} and n_theta * n_phi at most {MAX_NODES:.0e} nodes; "
                           f"got n_theta={n_theta} and n_phi={n_phi}")
    u, w = np.polynomial.legendre.leggauss(n_theta)  # u = cos(theta)
    phi = 2.0 * np.pi * np.arange(n_phi) / n_phi
    sin_t = np.sqrt((1.0 - u) * (1.0 + u))
    normals = np.stack([np.outer(sin_t, np.cos(phi)), np.outer(sin_t, np.sin(phi)), np.outer(u, np.ones(n_phi))],
                       axis=-1)
    return normals.reshape(-1, 3), np.repeat(w, n_phi) * (2.0 * np.pi / n_phi)
