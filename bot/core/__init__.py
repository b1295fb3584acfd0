"""Understanding and deciding, with no channel in it: normalize → segment → match → decide."""
