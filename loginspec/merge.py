"""`python -m loginspec.merge OUT SHARD...`: the reports of a run's shards made into one, as if one run had
made it: results.json, index.html and cucumber.json written anew from all the scenarios (each ID judged
on everything the shards ran), the JUnit suites side by side in one junit.xml, the Allure results and the
failed scenarios' evidence copied over. Traces keep the paths their shard wrote.
"""

from __future__ import annotations

import argparse
import json
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from .evidence import EVIDENCE_FOLDER
from .report import ConformanceReport, ScenarioResult

ALLURE_FOLDER = "allure-results"


def merge(out: Path, shards: list[Path]) -> ConformanceReport:
    documents = [json.loads((shard / "results.json").read_text(encoding="utf-8")) for shard in shards]
    targets: dict[str, str] = {}
    for document in documents:
        targets.update(document.get("targets", {}))
    report = ConformanceReport(None, out, offered_targets=targets or None)
    report.started = min(document["started"] for document in documents)
    for document in documents:
        for scenario in document["scenarios"]:
            report.results[scenario["nodeid"]] = ScenarioResult(**scenario)
    out.mkdir(parents=True, exist_ok=True)
    for shard in shards:
        for folder in (EVIDENCE_FOLDER, ALLURE_FOLDER):
            if (shard / folder).is_dir():
                shutil.copytree(shard / folder, out / folder, dirs_exist_ok=True)
    report.write(finished=max(document["finished"] for document in documents))
    _merge_junit(out / "junit.xml", [shard / "junit.xml" for shard in shards if (shard / "junit.xml").is_file()])
    return report


def _merge_junit(out: Path, files: list[Path]) -> None:
    if not files:
        return
    merged = ElementTree.Element("testsuites")
    for file in files:
        root = ElementTree.parse(file).getroot()
        merged.extend(root.iter("testsuite") if root.tag == "testsuites" else [root])
    ElementTree.ElementTree(merged).write(out, encoding="utf-8", xml_declaration=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loginspec.merge", description=__doc__)
    parser.add_argument("out", type=Path, help="the folder of the merged report")
    parser.add_argument("shards", type=Path, nargs="+", help="the shards' report folders")
    arguments = parser.parse_args(argv)
    missing = [str(shard) for shard in arguments.shards if not (shard / "results.json").is_file()]
    if missing:
        parser.error(f"no results.json in {', '.join(missing)}")
    report = merge(arguments.out, arguments.shards)
    print(f"{len(report.results)} scenarios from {len(arguments.shards)} shards: {arguments.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
