"""The version of iopkit (read by the build's fingerprints and by ``iopkit update``)."""
__version__ = "0.1.0"
