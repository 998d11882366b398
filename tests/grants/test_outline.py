from grants.outline import render_outline


def test_paragraphs_and_bullets_become_a_list():
    html = render_outline("Includes:\n- Refuge\n- IDVA service\n\nSecond paragraph.")
    assert '<p class="govuk-body">Includes:</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>Refuge</li><li>IDVA service</li></ul>' in html
    assert '<p class="govuk-body">Second paragraph.</p>' in html


def test_numbered_items_with_lettered_sub_items_nest():
    html = render_outline("1. Develop resources:\n  a. How to access services\n  b. Risks\n2. Work with schools")
    assert html.count("<ol") == 2
    assert 'type="a"' in html
    assert "<li>Develop resources:<ol" in html
    assert "<li>Work with schools</li>" in html


def test_markup_typed_by_a_user_is_escaped_never_rendered():
    html = render_outline('<script>alert(1)</script>\n- <b onclick="x">bold</b>')
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
