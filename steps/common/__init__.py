"""Steps shared by several features, registered for every scenario by the root conftest.py."""
