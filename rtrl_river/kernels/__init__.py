"""numba kernels: arrays in, arrays out; no Python objects and no allocation per step."""
