"""British National Grid (OSGB36) eastings/northings to WGS84 latitude and longitude.

Pure Python, no Django. The catalogue stores grid references from the ONS Postcode Directory;
Elasticsearch's geo_point and the Open Referral UK API's locations need WGS84. The formulas are
those of Ordnance Survey's "A guide to coordinate systems in Great Britain": the inverse
Transverse Mercator on the Airy 1830 ellipsoid, then a seven-parameter Helmert transformation,
accurate to a few metres (not a survey-grade OSTN15 transformation), far better than a postcode
centroid needs. One implementation, used by search and by the ORUK API.
"""

from __future__ import annotations

import math
from decimal import Decimal

# Airy 1830 ellipsoid and the National Grid's Transverse Mercator projection (OS guide, annex A).
_AIRY_A = 6377563.396
_AIRY_B = 6356256.909
_F0 = 0.9996012717  # scale factor on the central meridian
_LAT0 = math.radians(49)
_LON0 = math.radians(-2)
_E0 = 400000.0
_N0 = -100000.0

# GRS80 / WGS84 ellipsoid.
_WGS84_A = 6378137.0
_WGS84_B = 6356752.314245

# OSGB36 -> WGS84 Helmert parameters (the OS's published WGS84 -> OSGB36 set, negated):
# translations in metres, scale in parts per million, rotations in arcseconds.
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S_PPM = -20.4894
_RX, _RY, _RZ = 0.1502, 0.2470, 0.8421


def _meridional_arc(lat: float) -> float:
    """The developed arc of the meridian from the true origin to lat, scaled by F0 (OS C2)."""
    a, b = _AIRY_A, _AIRY_B
    n = (a - b) / (a + b)
    n2, n3 = n * n, n * n * n
    d, s = lat - _LAT0, lat + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n2 + 1.25 * n3) * d
            - (3 * n + 3 * n2 + 21 / 8 * n3) * math.sin(d) * math.cos(s)
            + (15 / 8 * n2 + 15 / 8 * n3) * math.sin(2 * d) * math.cos(2 * s)
            - 35 / 24 * n3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Latitude and longitude (degrees) on the OSGB36 datum of a National Grid reference.

    The inverse Transverse Mercator series of the OS guide (annex C); exact to well under a
    millimetre within the grid's extent.
    """
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    lat = _LAT0
    arc = 0.0
    # Iterate the latitude until the meridional arc reaches the northing (to 0.01 mm).
    while True:
        lat = (northing - _N0 - arc) / (a * _F0) + lat
        arc = _meridional_arc(lat)
        if abs(northing - _N0 - arc) < 0.00001:
            break
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat**2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat**2) ** 1.5
    eta2 = nu / rho - 1
    tan_lat = math.tan(lat)
    t2, t4, t6 = tan_lat**2, tan_lat**4, tan_lat**6
    sec_lat = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec_lat / nu
    xi = sec_lat / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec_lat / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec_lat / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - _E0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(latitude), math.degrees(longitude)


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        nu * math.cos(phi) * math.cos(lam),
        nu * math.cos(phi) * math.sin(lam),
        nu * (1 - e2) * math.sin(phi),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    # Fixed-point iteration; converges to well under a millimetre in a few rounds.
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        new_phi = math.atan2(z + e2 * nu * math.sin(phi), p)
        if abs(new_phi - phi) < 1e-12:
            phi = new_phi
            break
        phi = new_phi
    return math.degrees(phi), math.degrees(math.atan2(y, x))


def _helmert(x: float, y: float, z: float) -> tuple[float, float, float]:
    s = _S_PPM / 1e6
    rx, ry, rz = (math.radians(r / 3600) for r in (_RX, _RY, _RZ))
    return (
        _TX + x * (1 + s) - y * rz + z * ry,
        _TY + x * rz + y * (1 + s) - z * rx,
        _TZ - x * ry + y * rx + z * (1 + s),
    )


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """WGS84 (latitude, longitude) in degrees of a British National Grid reference in metres.

    Accurate to about 5 m (the Helmert transformation's limit), which is what Elasticsearch's
    geo_point needs; it is not a survey-grade OSTN15 transformation.
    """
    lat, lon = grid_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    return _from_cartesian(*_helmert(x, y, z), _WGS84_A, _WGS84_B)


HIDDEN_ADDRESS_SQUARE_M = 1000


def public_grid_point(
    easting: int | None, northing: int | None, *, hidden: bool
) -> tuple[int, int] | None:
    """Where a listing's premises are, as far as the public may know: for a listing that hides
    its exact address (a personal assistant's home), the centre of its kilometre square. The
    ORUK API publishes this point and search indexes it, so no radius or distance, however fine,
    can locate the home more closely than the square."""
    if easting is None or northing is None:
        return None
    if hidden:
        square = HIDDEN_ADDRESS_SQUARE_M
        return easting // square * square + square // 2, northing // square * square + square // 2
    return easting, northing


def radius_m(radius_km: Decimal | None) -> int | None:
    """A service's own radius in whole metres, as catalogue.selectors.serves and both search
    indexes count it (a point is within it when d^2 <= radius_m^2 on the grid)."""
    return int(radius_km * 1000) if radius_km is not None else None
