"""The catalogue of statistics inputs (data/inputs.yaml): what each is, its unit and how it adds up."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    unit: str
    decimals: int
    additive: bool
    part_of: str | None
    help: str


@functools.cache
def items() -> dict[str, Item]:
    text = resources.files("ansheng.indicators").joinpath("data", "inputs.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {
        row["code"]: Item(
            code=row["code"],
            name=row["name"],
            unit=row.get("unit", ""),
            decimals=int(row.get("decimals", 0)),
            additive=bool(row.get("additive", False)),
            part_of=row.get("part_of"),
            help=row.get("help", ""),
        )
        for row in raw["items"]
    }


def item(code: str) -> Item | None:
    return items().get(code)


def wholes() -> dict[str, str]:
    """whole → part, for the parts that may not exceed their whole."""
    return {i.part_of: i.code for i in items().values() if i.part_of}
