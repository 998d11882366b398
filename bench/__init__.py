"""The national benchmark: a data set the size of every force area in England and Wales on one installation
(`bench/generate.py`), and the timings of the key pages against their floor and the Django admin (`bench/run.py`).
"""
