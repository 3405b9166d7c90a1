"""Benchmark tooling, out of the production modules' way: synthetic directories at scale
(`data.py`, made of the words in `vocabulary.py`) and the timing of search shapes (`timing.py`).
The `generate_bench_data` and `bench_search` commands are thin fronts to them."""
