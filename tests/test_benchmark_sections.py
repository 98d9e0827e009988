"""RESULTS.md: each benchmark script's section is replaced in place and survives ``run_all.py``'s rewrite."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from timing import kept_sections, section_markers, write_section  # noqa: E402


def test_a_section_is_replaced_in_place_and_every_section_is_kept_by_a_rewrite(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmarks\n\nold table\n")
    write_section(results, "bench_dataset", "## Dataset\n\nfirst run")
    write_section(results, "bench_inference", "## Inference\n\nrun")
    write_section(results, "bench_dataset", "## Dataset\n\nsecond run")
    text = results.read_text()
    assert text.count("## Dataset") == 1 and "second run" in text and "first run" not in text
    assert text.index("## Dataset") < text.index("## Inference")  # replaced where it was

    # run_all.py writes its own tables and appends what kept_sections found
    results.write_text("# Benchmarks\n\nnew table\n" + kept_sections(results))
    rewritten = results.read_text()
    assert "old table" not in rewritten
    for name in ("bench_dataset", "bench_inference"):
        start, end = section_markers(name)
        assert rewritten.count(start) == 1 and rewritten.count(end) == 1
    assert "second run" in rewritten and "## Inference\n\nrun" in rewritten
