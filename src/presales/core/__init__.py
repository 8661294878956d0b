"""Shared kernel: model mixins, numbering, permissions and scoping, workflow, view/API bases."""
