"""check_qgis.py: open a plancheck report with real QGIS (headless) and check what a planner would see.

Usage: /usr/bin/python3 tests/check_qgis.py REPORT_DIR PNG_OUT [EXPECT_LAYER:RENDERER ...]
Checks: the project opens; every layer is valid; the project CRS is the analysis CRS; the default
view is the plan's extent; each layer's renderer is the one plancheck styled (also when the layer is
opened straight from the GeoPackage, i.e. the default style stored in layer_styles is applied);
a render of the visible layers to PNG is not blank. Prints one line per check; exit 1 on failure.
"""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer, QgsMapSettings,  # noqa: E402
                       QgsMapRendererSequentialJob)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def main():
    report_dir, png = sys.argv[1], sys.argv[2]
    expected = dict(arg.split(":", 1) for arg in sys.argv[3:])
    app = QgsApplication([], False)
    app.initQgis()
    summary = json.load(open(os.path.join(report_dir, "summary.json"), encoding="utf-8"))
    project = QgsProject.instance()
    ok = project.read(os.path.join(report_dir, "plancheck.qgs"))
    check(ok, "QgsProject.read(plancheck.qgs)")
    layers = list(project.mapLayers().values())
    check(len(layers) > 0, "the project has %d layers" % len(layers))
    own_gpkg = os.path.realpath(os.path.join(report_dir, "plancheck.gpkg"))
    for layer in layers:
        check(layer.isValid(), "layer %s is valid (%s)" % (layer.name(), layer.source()))
        check(os.path.realpath(layer.source().split("|")[0]) == own_gpkg,
              "layer %s reads the report's own GeoPackage" % layer.name())
    qgs_text = open(os.path.join(report_dir, "plancheck.qgs"), encoding="utf-8").read()
    check("<datasource>./plancheck.gpkg|layername=" in qgs_text and "<datasource>/" not in qgs_text,
          "the project names its data by relative paths")
    check(project.crs().authid() == summary["crs"], "project CRS %s is the analysis CRS %s" %
          (project.crs().authid(), summary["crs"]))
    extent = project.viewSettings().defaultViewExtent()
    check(not extent.isEmpty(), "default view extent %s" % extent.toString(0))
    # Renderers: from the project (embedded styles) and from the GeoPackage alone (layer_styles defaults).
    gpkg = os.path.join(report_dir, "plancheck.gpkg")
    by_table = {}
    for layer in layers:
        table = layer.source().split("layername=")[-1].split("|")[0]
        by_table[table] = layer
    for table, renderer in expected.items():
        layer = by_table.get(table)
        check(layer is not None, "project has layer %s" % table)
        if layer is None:
            continue
        check(layer.renderer().type() == renderer, "project layer %s renderer %s (expected %s)" %
              (table, layer.renderer().type(), renderer))
        alone = QgsVectorLayer("%s|layername=%s" % (gpkg, table), table, "ogr")
        check(alone.isValid(), "GeoPackage layer %s opens" % table)
        check(alone.renderer().type() == renderer, "GeoPackage default style of %s: renderer %s (expected %s)" %
              (table, alone.renderer().type(), renderer))
    # Render what the project shows when it opens.
    visible = [l for l in project.layerTreeRoot().checkedLayers()]
    check(len(visible) > 0, "%d layers visible when the project opens" % len(visible))
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(project.crs())
    settings.setOutputSize(QSize(900, 900))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setExtent(extent)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    colours = set()
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colours.add(image.pixel(x, y))
    non_white = sum(1 for y in range(0, image.height(), 6) for x in range(0, image.width(), 6)
                    if QColor(image.pixel(x, y)).lightness() < 250)
    check(len(colours) >= 8, "render %s has %d distinct colours (>= 8)" % (png, len(colours)))
    check(non_white > 100, "render has %d non-white sample pixels (> 100)" % non_white)
    for e in job.errors():
        check(False, "render error in %s: %s" % (e.layerID, e.message))
    print("%d checks failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    code = main()
    # QGIS 3.22's Python teardown can crash after everything is done: leave without it.
    sys.stdout.flush()
    os._exit(code)
