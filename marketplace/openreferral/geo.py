"""British National Grid (OSGB36) eastings/northings to WGS84 latitude/longitude.

Pure Python, no Django: ORUK locations carry `latitude`/`longitude` (WGS84) while the catalogue
stores grid references from the ONS Postcode Directory. The formulas are those of Ordnance
Survey's "A guide to coordinate systems in Great Britain" (inverse transverse Mercator on the
Airy 1830 ellipsoid, then a seven-parameter Helmert transformation to WGS84). The Helmert step
is accurate to a few metres, far better than a postcode centroid needs.
"""

from __future__ import annotations

import math

# Airy 1830 ellipsoid and the National Grid projection.
_AIRY_A, _AIRY_B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49), math.radians(-2)
_N0, _E0 = -100_000.0, 400_000.0

# WGS84 / GRS80 ellipsoid.
_WGS_A, _WGS_B = 6378137.000, 6356752.3141

# OSGB36 -> WGS84 (the published WGS84 -> OSGB36 parameters, negated).
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S = -20.4894e-6
_RX, _RY, _RZ = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))


def _meridional_arc(lat: float) -> float:
    n = (_AIRY_A - _AIRY_B) / (_AIRY_A + _AIRY_B)
    n2, n3 = n * n, n * n * n
    d, s = lat - _LAT0, lat + _LAT0
    return (
        _AIRY_B
        * _F0
        * (
            (1 + n + 5 / 4 * n2 + 5 / 4 * n3) * d
            - (3 * n + 3 * n2 + 21 / 8 * n3) * math.sin(d) * math.cos(s)
            + (15 / 8 * n2 + 15 / 8 * n3) * math.sin(2 * d) * math.cos(2 * s)
            - 35 / 24 * n3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Latitude and longitude in degrees on the OSGB36 datum (OS guide, section C.2)."""
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    lat = _LAT0
    arc = 0.0
    while True:
        lat = (northing - _N0 - arc) / (a * _F0) + lat
        arc = _meridional_arc(lat)
        if abs(northing - _N0 - arc) < 0.00001:
            break
    sin_lat, cos_lat, tan_lat = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat**2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat**2) ** 1.5
    eta2 = nu / rho - 1
    sec = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * tan_lat**2 + eta2 - 9 * tan_lat**2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * tan_lat**2 + 45 * tan_lat**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * tan_lat**2)
    xii = sec / (120 * nu**5) * (5 + 28 * tan_lat**2 + 24 * tan_lat**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * tan_lat**2 + 1320 * tan_lat**4 + 720 * tan_lat**6)
    de = easting - _E0
    lat_out = lat - vii * de**2 + viii * de**4 - ix * de**6
    lon_out = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(lat_out), math.degrees(lon_out)


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    return (
        nu * math.cos(lat) * math.cos(lon),
        nu * math.cos(lat) * math.sin(lon),
        (1 - e2) * nu * math.sin(lat),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        lat = math.atan2(z + e2 * nu * math.sin(lat), p)
    return lat, math.atan2(y, x)


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """(latitude, longitude) in WGS84 degrees for a National Grid reference in metres."""
    lat, lon = (math.radians(v) for v in grid_to_osgb36(easting, northing))
    x, y, z = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    x2 = _TX + (1 + _S) * x - _RZ * y + _RY * z
    y2 = _TY + _RZ * x + (1 + _S) * y - _RX * z
    z2 = _TZ - _RY * x + _RX * y + (1 + _S) * z
    lat_w, lon_w = _from_cartesian(x2, y2, z2, _WGS_A, _WGS_B)
    return math.degrees(lat_w), math.degrees(lon_w)
