import storyline


def test_public_api_is_pinned():
    assert sorted(storyline.__all__) == [
        "Article", "Settings", "Store", "StorylineError", "__version__", "load_settings", "open_store",
    ]
    for name in storyline.__all__:
        assert hasattr(storyline, name)
