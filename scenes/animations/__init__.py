"""Animations named after events: forward_pass, backward_pass, weight_update."""
