"""translate: engines, segmentation, terminology enforcement and document formats."""
