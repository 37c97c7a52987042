from ansheng.accidents.models.accidents import (
    Accident,
    FigureChange,
    FollowUp,
    Investigation,
    Measure,
    ReportStep,
    Responsibility,
)

__all__ = ["Accident", "FigureChange", "FollowUp", "Investigation", "Measure", "ReportStep", "Responsibility"]
