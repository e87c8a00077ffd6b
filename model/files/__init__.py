"""What is inside each layer: the files of a `docker save` stream, indexed per diff ID, and what they do to an image."""
