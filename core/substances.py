"""The catalogue of dangerous substances of a steel plant for GB 18218-2018 major-hazard
identification: each with its critical quantity Q (tonnes, table 1 of the standard) and its
correction factor beta (table 3). A plant file may name a substance by its catalogue key and give
only the quantity present (`{substance: converter_gas, q_t: 30}`); Q and beta written by hand
override the catalogue.

Sources of the figures (DOMAIN.md "Inherent risk" where it gives them, else the standard):
- coal gas (煤气: CO, or CO mixed with H2 and CH4), which covers blast-furnace, converter and
  coke-oven gas and CO itself: Q 20 t; beta 2, the factor of CO in table 3 (the gases are toxic
  through their CO). DOMAIN.md gives both.
- hydrogen Q 5 t, oxygen (compressed or liquid) Q 200 t, methane / natural gas Q 50 t, ammonia
  Q 10 t, benzene Q 50 t, hydrogen sulphide Q 5 t: DOMAIN.md.
- beta: ammonia 2, hydrogen sulphide 5, chlorine 4 (toxic gases, table 3), other flammable gases
  (hydrogen, methane) 1.5 (W2), everything else 1: DOMAIN.md.
- DOMAIN.md is silent on these, taken from GB 18218-2018: chlorine Q 5 t (table 1, No. 12);
  liquefied petroleum gas Q 50 t and acetylene Q 1 t (table 1), flammable gases, beta 1.5 (W2);
  benzene beta 1 (table 3: a category-2 flammable liquid kept below its boiling point, W5.4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CatalogueSubstance:
    """One substance of the catalogue: its names, critical quantity and correction factor."""

    key: str  # how a plant file names it
    name: str  # English name, shown where the plant gives none
    name_zh: str  # the name in GB 18218-2018
    Q_t: float  # critical quantity, tonnes  # noqa: N815 - the standard's symbol
    beta: float  # correction factor (toxic gases by table 3, flammable gases 1.5, others 1)


_COAL_GAS = "煤气（CO，CO 和 H2、CH4 的混合物等）"

CATALOGUE: dict[str, CatalogueSubstance] = {
    s.key: s
    for s in (
        CatalogueSubstance("blast_furnace_gas", "blast-furnace gas", "高炉煤气 · " + _COAL_GAS, 20.0, 2.0),
        CatalogueSubstance("converter_gas", "converter gas", "转炉煤气 · " + _COAL_GAS, 20.0, 2.0),
        CatalogueSubstance("coke_oven_gas", "coke-oven gas", "焦炉煤气 · " + _COAL_GAS, 20.0, 2.0),
        CatalogueSubstance("carbon_monoxide", "carbon monoxide", "一氧化碳 · " + _COAL_GAS, 20.0, 2.0),
        CatalogueSubstance("hydrogen", "hydrogen", "氢", 5.0, 1.5),
        CatalogueSubstance("oxygen", "oxygen (compressed)", "氧（压缩的或液化的）", 200.0, 1.0),
        CatalogueSubstance("liquid_oxygen", "liquid oxygen", "氧（压缩的或液化的）", 200.0, 1.0),
        CatalogueSubstance("methane", "methane", "甲烷，天然气", 50.0, 1.5),
        CatalogueSubstance("natural_gas", "natural gas", "甲烷，天然气", 50.0, 1.5),
        CatalogueSubstance("lpg", "liquefied petroleum gas", "液化石油气", 50.0, 1.5),
        CatalogueSubstance("acetylene", "acetylene", "乙炔", 1.0, 1.5),
        CatalogueSubstance("ammonia", "ammonia", "氨", 10.0, 2.0),  # denitration (SCR) of sinter flue gas
        CatalogueSubstance("hydrogen_sulphide", "hydrogen sulphide", "硫化氢", 5.0, 5.0),
        CatalogueSubstance("benzene", "benzene", "苯", 50.0, 1.0),  # coke-oven by-products
        CatalogueSubstance("chlorine", "chlorine", "氯", 5.0, 4.0),  # water treatment
    )
}


def lookup(key: str) -> CatalogueSubstance:
    """The catalogue entry of `key`; KeyError naming the known keys when there is none."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"unknown substance {key!r} (the catalogue has: {', '.join(CATALOGUE)})") from None


__all__ = ["CATALOGUE", "CatalogueSubstance", "lookup"]
