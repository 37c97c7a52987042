"""安生 (ansheng): a city's work-safety and occupational-health platform."""

__version__ = "0.1.0"
