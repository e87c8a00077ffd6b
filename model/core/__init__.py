"""The pure domain: snapshot types, chain IDs, references, history mapping, the layer forest, classification, sizes, layout."""
