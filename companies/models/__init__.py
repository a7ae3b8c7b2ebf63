from .reference import County, Municipality, SNICode, SNISection, TurnoverClass

__all__ = ["County", "Municipality", "SNICode", "SNISection", "TurnoverClass"]
