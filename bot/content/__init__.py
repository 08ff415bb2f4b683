"""Activity content as data: factors, steps, options, commands and messages, loaded and checked."""

from bot.content.loader import ContentError, load_content
from bot.content.model import Content, Factor, Option, Step

__all__ = ["Content", "ContentError", "Factor", "Option", "Step", "load_content"]
