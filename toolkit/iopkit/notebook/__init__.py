"""Jupyter's side: the warm papermill engine and the nbconvert exporters."""
