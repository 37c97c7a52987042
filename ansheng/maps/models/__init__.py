from ansheng.maps.models.risk_sources import RiskSource, SourceHazard

__all__ = ["RiskSource", "SourceHazard"]
