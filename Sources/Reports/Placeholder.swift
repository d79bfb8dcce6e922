// Reports — placeholder so the package resolves; replaced by its implementation.
