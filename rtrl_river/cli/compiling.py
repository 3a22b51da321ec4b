"""Whether numba compiled anything during a block, from its compile events.

The estimators themselves say once on stderr that they compile their kernels (they probe
numba's on-disk cache for it), so a command says nothing more than a progress line per model
while they do; it learns that they do from numba's "numba:compile" events, which fire for a
real compilation and not for a load from the cache.
"""


class CompileWatch:
    """`with watch:` ... then `watch.compiled` says whether numba compiled a function inside
    any of the blocks so far."""

    def __init__(self):
        self.compiled = False
        self._listener = None

    def __enter__(self):
        from numba.core import event

        watch = self

        class Listener(event.Listener):
            def on_start(self, _):
                watch.compiled = True

            def on_end(self, _):
                pass

        self._listener = Listener()
        event.register("numba:compile", self._listener)
        return self

    def __exit__(self, *exc):
        from numba.core import event

        event.unregister("numba:compile", self._listener)
