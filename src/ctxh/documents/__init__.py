"""Official documents: registers and numbers, typst rendering, QR codes, public verification."""
