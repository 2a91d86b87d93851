"""kzlegal finetune package."""
