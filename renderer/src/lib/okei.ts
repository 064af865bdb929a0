/**
 * OKEI measurement units for basket lines (code, Russian name, Russian symbol, English symbol), generated from the
 * project reference list shared/data/okei-units.csv (tabs in the source trimmed). `measure` on the wire is the Russian
 * symbol, `measureCode` the three-digit code; the English symbol is only for the English UI.
 */
export interface OkeiUnit {
  code: string;
  name: string;
  symbol: string;
  symbolEn: string;
}

export const OKEI_UNITS: readonly OkeiUnit[] = [
  { code: '796', name: 'Штука', symbol: 'шт', symbolEn: 'pc' },
  { code: '003', name: 'Миллиметр', symbol: 'мм', symbolEn: 'mm' },
  { code: '004', name: 'Сантиметр', symbol: 'см', symbolEn: 'cm' },
  { code: '005', name: 'Дециметр', symbol: 'дм', symbolEn: 'dm' },
  { code: '006', name: 'Метр', symbol: 'м', symbolEn: 'm' },
  { code: '008', name: 'Километр', symbol: 'км', symbolEn: 'km' },
  { code: '009', name: 'Мегаметр', symbol: 'Мм', symbolEn: 'Mm' },
  { code: '018', name: 'Погонный метр', symbol: 'пог. м', symbolEn: 'пог. м' },
  { code: '020', name: 'Условный метр', symbol: 'усл. м', symbolEn: 'усл. м' },
  { code: '039', name: 'Дюйм', symbol: 'дюйм', symbolEn: 'in' },
  { code: '041', name: 'Фут', symbol: 'фут', symbolEn: 'ft' },
  { code: '043', name: 'Ярд', symbol: 'ярд', symbolEn: 'yd' },
  { code: '047', name: 'Морская миля', symbol: 'миля', symbolEn: 'mile' },
  { code: '050', name: 'Квадратный миллиметр', symbol: 'мм2', symbolEn: 'mm2' },
  { code: '051', name: 'Квадратный сантиметр', symbol: 'см2', symbolEn: 'cm2' },
  { code: '053', name: 'Квадратный дециметр', symbol: 'дм2', symbolEn: 'dm2' },
  { code: '055', name: 'Квадратный метр', symbol: 'м2', symbolEn: 'm2' },
  { code: '059', name: 'Гектар', symbol: 'га', symbolEn: 'ha' },
  { code: '061', name: 'Квадратный километр', symbol: 'км2', symbolEn: 'km2' },
  { code: '071', name: 'Квадратный дюйм', symbol: 'дюйм2', symbolEn: 'in2' },
  { code: '073', name: 'Квадратный фут', symbol: 'фут2', symbolEn: 'ft2' },
  { code: '075', name: 'Квадратный ярд', symbol: 'ярд2', symbolEn: 'yd2' },
  { code: '109', name: 'Ар', symbol: 'а', symbolEn: 'a' },
  { code: '110', name: 'Кубический миллиметр', symbol: 'мм3', symbolEn: 'mm3' },
  { code: '111', name: 'Кубический сантиметр', symbol: 'см3', symbolEn: 'cm3' },
  { code: '112', name: 'Литр', symbol: 'л', symbolEn: 'L' },
  { code: '113', name: 'Кубический метр', symbol: 'м3', symbolEn: 'm3' },
  { code: '118', name: 'Децилитр', symbol: 'дл', symbolEn: 'dl' },
  { code: '122', name: 'Гектолитр', symbol: 'гл', symbolEn: 'hl' },
  { code: '126', name: 'Мегалитр', symbol: 'Мл', symbolEn: 'Ml' },
  { code: '131', name: 'Кубический дюйм', symbol: 'дюйм3', symbolEn: 'in3' },
  { code: '132', name: 'Кубический фут', symbol: 'фут3', symbolEn: 'ft3' },
  { code: '133', name: 'Кубический ярд', symbol: 'ярд3', symbolEn: 'yd3' },
  { code: '159', name: 'Миллион кубических метров', symbol: 'м3', symbolEn: 'm3' },
  { code: '160', name: 'Гектограмм', symbol: 'гг', symbolEn: 'hg' },
  { code: '161', name: 'Миллиграмм', symbol: 'мг', symbolEn: 'mg' },
  { code: '162', name: 'Метрический карат', symbol: 'кар', symbolEn: 'МС' },
  { code: '163', name: 'Грамм', symbol: 'г', symbolEn: 'g' },
  { code: '166', name: 'Килограмм', symbol: 'кг', symbolEn: 'kg' },
  { code: '168', name: 'Тонна', symbol: 'т', symbolEn: 't' },
  { code: '170', name: 'Килотонна', symbol: 'кт', symbolEn: 'kt' },
  { code: '173', name: 'Сантиграмм', symbol: 'сг', symbolEn: 'cg' },
  { code: '181', name: 'Брутто-регистровая тонна', symbol: 'БРТ', symbolEn: 'БРТ' },
  { code: '185', name: 'Грузоподъемность в метрических тоннах', symbol: 'т', symbolEn: 'т' },
  { code: '206', name: 'Центнер (метрический)', symbol: 'ц', symbolEn: 'q' },
];

/** `796` Штука (шт): the default for a new line. */
export const DEFAULT_UNIT_CODE = '796';

export function unitByCode(code: string): OkeiUnit | undefined {
  return OKEI_UNITS.find((u) => u.code === code);
}
