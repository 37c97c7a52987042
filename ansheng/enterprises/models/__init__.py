from ansheng.enterprises.models.enterprises import Enterprise, Licence, expiry_state

__all__ = ["Enterprise", "Licence", "expiry_state"]
