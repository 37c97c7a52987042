from ansheng.enterprises.models.enterprises import Enterprise, Licence

__all__ = ["Enterprise", "Licence"]
