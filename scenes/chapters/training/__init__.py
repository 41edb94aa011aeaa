"""Chapter 7, ``training``: the run epoch by epoch, in four parts.

:mod:`.curve` (the loss curve while the weights evolve), :mod:`.boundary` (the decision map of a
network with two inputs), :mod:`.codes` (the code every sample gets before and after training)
and :mod:`.compare` (online against batch), played in the order the chapter registry lists them
(:mod:`scenes.chapters.registry`); what they share is in :mod:`.common`. No part imports another.
"""
