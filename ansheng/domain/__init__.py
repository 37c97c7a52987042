"""安生 national rules: pure, typed, standard library only.

Each module implements one body of rules with the clause it comes from (see ``docs/rules.md``):

- :mod:`.levels`: the four risk colours (重大/红, 较大/橙, 一般/黄, 低/蓝)
- :mod:`.gb18218`: GB 18218-2018 major hazard sources (identification S and grading R)
- :mod:`.accidents`: 国务院令第493号 and 安监总局令第21号 (grades, reporting, investigation)
- :mod:`.fines`: 应急管理部令第14号 accident fines
- :mod:`.risk`: LEC, LS and MES risk assessment with replaceable band tables
- :mod:`.diagnosis`: 危险化学品生产储存企业安全风险评估诊断分级指南 (score → colour)
- :mod:`.indicators`: rate indicators and change against a baseline
- :mod:`.codes`: 统一社会信用代码 (GB 32100-2015) and administrative-division codes
- :mod:`.accident_types`: GB 6441-1986 and GB 6441-2025 accident types, ``WSA`` codes
- :mod:`.hazard_factors`: GB/T 13861-2022 hazard-factor classes
- :mod:`.coords`: WGS84 ↔ GCJ-02 and great-circle distance
- :mod:`.calculators`: the JSON contract shared by the command line and the HTTP API
"""

from ansheng.domain.errors import DomainError

__all__ = ["DomainError"]
