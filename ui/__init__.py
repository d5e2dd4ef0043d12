"""Designer-editable UI assets (themes, icons, forms), shipped as ``vigtool.ui``."""
