"""Generated documents (board papers, decision notices, reports) as PDF and Word.

`pdf.render_pdf()` renders a Django template with WeasyPrint and the print stylesheet; `word.WordDocument`
builds .docx files with python-docx in the same house style. Both read figures from grants/figures, never
their own sums, so a document can never disagree with the page.
"""
