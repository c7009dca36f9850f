"""Benchmarks of analyse (scripts, not tests): ``python -m benchmarks [--quick]`` from the repo root.

Sections: ``loading`` (100,000-respondent .xlsx and .csv against pandas),
``stats`` (10,000 groups against a pingouin loop), ``scale`` (1k-1M
respondents: time and peak memory), ``report`` (the end-to-end report on
data/sample). Results go to benchmarks/RESULTS.md.
"""
