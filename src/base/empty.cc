// Placeholder translation unit for a module whose sources are not written yet.
