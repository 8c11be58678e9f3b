"""The demo incident (being written)."""


def load(actor, progress=None):
    raise NotImplementedError
