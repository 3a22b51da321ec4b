"""A model's engine from its first learning call to the `fit` that replaces it, and the lock
that every call on a started model holds (`Engine.lock`)."""

import threading
from contextlib import contextmanager

# What `_clear_state` removes to start afresh. Other `_`-prefixed attributes (set by
# scikit-learn's machinery, e.g. inside a Pipeline) are never touched.
FITTED_ATTRIBUTES = ("engine_", "n_features_in_", "feature_names_in_", "n_iter_")

# Held while a model's engine is built by its first learning call (`_start`), by every model:
# two threads starting one model build one engine. Held for the building only (an engine with
# no inputs yet), never while learning, so that models in different threads do not wait for
# each other; calls on a started model hold that model's own lock (`Engine.lock`).
STARTING = threading.Lock()


class EngineLifeCycle:
    """How `RTRLEstimator` starts, replaces and serialises the use of its engine (`engine_`),
    built from its parameters by `_new_engine`.

    Calls on one model from several threads run one at a time, each whole: every call that
    reads or writes the engine's arrays holds the engine's lock (`_serialised`). A model is
    started by its first learning call and restarted by `fit`; neither leaves a moment in
    which another thread finds it half-made.
    """

    def _is_initialized(self):
        return self.__dict__.get("engine_") is not None

    def __sklearn_is_fitted__(self):
        return self._is_initialized()

    def _clear_state(self):
        """Remove the fitted attributes, the engine last: another thread that sees no engine
        may start one, and must find nothing of this one's."""
        engine = self.__dict__.get("engine_")
        if engine is not None:
            engine.forget_calls()
        for name in FITTED_ATTRIBUTES[::-1]:
            self.__dict__.pop(name, None)

    @contextmanager
    def _restored_on_error(self):
        """Put every attribute back as it was if the block raises: a rejected `fit` or
        `partial_fit` leaves the previous model, not a half-cleared one. The block must not
        change arrays in place before its last check."""
        saved = dict(self.__dict__)
        try:
            yield
        except BaseException:
            self.__dict__.update(saved)  # the engine is never missing meanwhile
            for name in [name for name in self.__dict__ if name not in saved]:
                del self.__dict__[name]
            raise

    def _initialize(self):
        """Start the model: a new engine (see `_new_engine`); if anything is rejected,
        nothing is kept."""
        engine = self._new_engine()
        self.n_features_in_ = 0
        self.engine_ = engine

    def _start(self):
        """Build the model's engine if it has none, with its lock held before any other
        thread can see it; returns the engine built, or None if another thread had built one."""
        with STARTING:
            if self.__dict__.get("engine_") is not None:
                return None
            engine = self._new_engine()
            engine.lock.acquire()
            self.n_features_in_ = 0
            self.engine_ = engine
            return engine

    @contextmanager
    def _serialised(self, start=False):
        """Run the block holding the model's lock; yields (engine, built): the model's engine
        (None for a model that has none, unless `start` builds one) and whether this call
        built it. A block that raises after building it leaves the model unstarted.

        Every call that reads or writes the engine's arrays runs inside this (the one-step
        calls inline it): calls on one model from several threads then run one at a time,
        each whole. The engine is read again under its lock: a `fit` in another thread may
        have replaced it while this call waited (it hands the new engine the same lock).
        """
        while True:
            engine = self.__dict__.get("engine_")
            if engine is None and not start:
                yield None, False
                return
            built = engine is None
            if built:
                engine = self._start()
                if engine is None:
                    continue  # another thread started the model first: lock its engine
            else:
                engine.lock.acquire()
            try:
                if self.__dict__.get("engine_") is not engine:
                    continue  # replaced while this call waited
                try:
                    yield engine, built
                except BaseException:
                    if built:
                        self._clear_state()
                    raise
                return
            finally:
                engine.lock.release()

    def _restart(self, engine):
        """Fresh weights and state for `fit`: a new engine from the current parameters, with
        the lock of `engine` (held by the caller), put in place of it in one assignment, so
        no other thread finds the model without an engine meanwhile."""
        fresh = self._new_engine(lock=engine.lock)
        engine.forget_calls()
        for name in FITTED_ATTRIBUTES[1:]:
            self.__dict__.pop(name, None)
        self.n_features_in_ = 0
        self.engine_ = fresh
        return fresh
