from ansheng.indicators.models.inputs import StatInput

__all__ = ["StatInput"]
