"""What if (issue 20): saved scenarios on the forecast, the outlook of the next years and
the long-stay review. The figures come from :mod:`regie.engine.scenarios`; this app stores,
serves and shows them."""
